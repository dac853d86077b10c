export * from './event-filter';
export * from './subscription-index';
export * from './subscriptions.module';
