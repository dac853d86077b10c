export * from './topics';
export * from './event.schema';
export * from './records.schema';
export * from './parse';
