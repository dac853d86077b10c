export * from './signer';
export * from './http-client';
export * from './target-guard';
export * from './got-client';
export * from './undici-client';
