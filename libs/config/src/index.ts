export * from './config';
export * from './database-connection';
export * from './env.schema';
export * from './kafka-connection';
