export * from './event-filter';
export * from './subscription-index';
export * from './usability';
export * from './payload-filter';
export * from './subscriptions.module';
export * from './endpoint-health-view';
