/** Injection token of the app's structured logger. */
export const LOGGER = Symbol('LOGGER');
/** Injection token of the app's Prometheus registry. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
