/** Injection tokens for the outside systems every app talks to, so services can be tested with them mocked. */
export { CONFIG } from '@app/config';
export { LOGGER, METRICS_REGISTRY } from '@app/observability';
export const KAFKA = Symbol('KAFKA');
export const TOPICS = Symbol('TOPICS');
export const APP_NAME = Symbol('APP_NAME');
/** Gauge of consumer lag per group, topic and partition (`hookstream_consumer_lag`). */
export const CONSUMER_LAG = Symbol('CONSUMER_LAG');
/** What start-up found of the topics (`TopicsReport`): the replication in force and topics below its factor. */
export const TOPICS_REPORT = Symbol('TOPICS_REPORT');
