export * from './tokens';
export * from './platform.module';
export * from './bootstrap';
export * from './start-up';
export * from './kafka-worker.transport';
export * from './consumer-worker';
export * from './kafka-access';
