export * from './entities';
export * from './data-source';
export * from './projection.repository';
export * from './status.repository';
export * from './database';
export * from './persistence.module';
export * from './audit.repository';
