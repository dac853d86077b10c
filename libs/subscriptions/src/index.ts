export * from './event-filter';
export * from './subscription-index';
export * from './usability';
export * from './subscriptions.module';
