export * from './topics';
export * from './event.schema';
export * from './records.schema';
export * from './parse';
export * from './record-writer';
export * from './status';
export * from './delivery-task';
