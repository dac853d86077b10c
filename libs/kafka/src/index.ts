export * from './client';
export * from './topics-admin';
export * from './publisher';
export * from './batch-consumer';
export * from './topic-view';
export * from './partition-progress';
export * from './end-offsets';
export * from './group-commit';
