export * from './secret-box';
export * from './addresses';
export * from './api-keys';
