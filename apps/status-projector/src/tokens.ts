/** True when started with --rebuild: empty the read model and replay Kafka first. */
export const REBUILD = Symbol('REBUILD');
