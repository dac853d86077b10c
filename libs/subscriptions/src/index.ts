export * from './event-filter';
export * from './subscription-index';
