import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import { HookstreamConfig, loadConfig } from '@app/config';
import { quantity } from './manifests';

/** Each app, as the image's APP variable names it, and the variable holding the port its /health answers on. */
export const APP_PORTS = {
  api: 'PORT',
  dispatcher: 'DISPATCHER_PORT',
  'retry-scheduler': 'RETRY_SCHEDULER_PORT',
  'status-projector': 'STATUS_PROJECTOR_PORT',
} as const satisfies Record<string, keyof HookstreamConfig>;
export type AppName = keyof typeof APP_PORTS;

/** Peak RSS per app at full speed (bench/results/2026-11-28-95445e3.md); limits keep half as much again above it. */
export const PEAK_RSS_MB: Record<AppName, number> = { api: 205, dispatcher: 268, 'retry-scheduler': 109, 'status-projector': 205 };
const LIMIT_OVER_PEAK = 1.5;

/** Variables that hold keys or credentials: only ever from the Secret, never written into a manifest. */
export const SECRET_VARIABLES = ['API_KEYS', 'ENCRYPTION_KEY', 'ENCRYPTION_KEYS_PREVIOUS', 'DATABASE_URL', 'KAFKA_SASL_PASSWORD'];

/** Stand-ins for the Secret's values, which exist only in the cluster, so a pod's whole configuration can be loaded. */
const STAND_IN_SECRETS = {
  API_KEYS: 'stand-in-key',
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  DATABASE_URL: 'postgres://stand-in@postgres:5432/hookstream',
};

/** A worker's force-exit comes this long after SHUTDOWN_TIMEOUT_MS (libs/platform's runWorker). */
const FORCED_EXIT_MARGIN_S = 2;

export const appOf = (d: IDeployment): string | undefined =>
  d.spec?.template.spec?.containers[0]?.env?.find((e) => e.name === 'APP')?.value;

/** The environment a container starts with: envFrom in order, then env on top, as the kubelet builds it. */
export function containerEnv(container: IContainer, configMaps: IConfigMap[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, configMaps.find((c) => c.metadata?.name === source.configMapRef?.name)?.data ?? {});
    if (source.secretRef) Object.assign(env, STAND_IN_SECRETS);
  }
  for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return env;
}

/** The configuration the app in this container would load (throws what it would stop with). */
export const podConfig = (container: IContainer, configMaps: IConfigMap[]): HookstreamConfig => loadConfig(containerEnv(container, configMaps));

/** What the pod must satisfy to be probed, stopped and scheduled as hookstream needs; empty when all holds. */
export function deploymentProblems(d: IDeployment, configMaps: IConfigMap[]): string[] {
  const name = `Deployment ${d.metadata?.name ?? '(no name)'}`;
  const pod = d.spec?.template.spec;
  const [container, ...others] = pod?.containers ?? [];
  if (!d.spec || !pod || !container) return [`${name}: no pod template with a container`];
  const problems: string[] = others.length > 0 ? ['one container per pod expected'] : [];
  const add = (problem: string) => problems.push(problem);

  for (const e of container.env ?? []) {
    if (SECRET_VARIABLES.includes(e.name) && !e.valueFrom?.secretKeyRef) add(`${e.name} must come from the Secret, not be written here`);
    if (e.value !== undefined && /:\/\/[^/\s:@]+:[^/\s@]+@/.test(e.value)) add(`${e.name} holds a URL with a password`);
  }
  if (!(container.envFrom ?? []).some((s) => s.secretRef)) add('takes nothing from the Secret');
  if (pod.enableServiceLinks !== false) {
    add('enableServiceLinks must be false (service links inject *_PORT variables that clash with the port settings)');
  }
  const replicas = d.spec.replicas ?? 1;
  if (replicas < 2) add(`${replicas} replica: an instance's loss or a node drain would stop the app`);
  const labels = d.spec.template.metadata?.labels ?? {};
  const selector = d.spec.selector.matchLabels ?? {};
  if (Object.keys(selector).length === 0 || Object.entries(selector).some(([k, v]) => labels[k] !== v)) add('selector does not match its pod labels');

  const app = appOf(d);
  if (!app || !(app in APP_PORTS)) add(`APP is ${String(app)}, not one of ${Object.keys(APP_PORTS).join(', ')}`);
  else {
    try {
      problems.push(...configuredProblems(app as AppName, replicas, pod, container, podConfig(container, configMaps)));
    } catch (e) {
      add(`the app would not start: ${(e as Error).message}`);
    }
  }
  return problems.map((p) => `${name}: ${p}`);
}

/** The rules that depend on the settings the app starts with: ports, memory, shutdown timing, partitions. */
function configuredProblems(app: AppName, replicas: number, pod: IPodSpec, container: IContainer, config: HookstreamConfig): string[] {
  const problems: string[] = [];
  const add = (problem: string) => problems.push(problem);
  const port = config[APP_PORTS[app]];
  const probes = [
    ['readinessProbe', container.readinessProbe],
    ['livenessProbe', container.livenessProbe],
    ['startupProbe', container.startupProbe],
  ] as const;
  for (const [kind, probe] of probes) {
    if (!probe && kind === 'startupProbe') continue;
    const target = probeTarget(probe, container);
    if (target?.path !== '/health' || target.port !== port) add(`${kind} must be GET /health on port ${port}, is ${JSON.stringify(target ?? null)}`);
  }
  if (app !== 'api' && ['127.0.0.1', 'localhost', '::1'].includes(config.OPS_HOST)) {
    add(`OPS_HOST ${config.OPS_HOST} cannot be probed from the kubelet`);
  }

  const requests = container.resources?.requests ?? {};
  const limits = container.resources?.limits ?? {};
  for (const resource of ['cpu', 'memory']) {
    const request = requests[resource];
    const limit = limits[resource];
    if (request === undefined || limit === undefined) add(`resources need a ${resource} request and limit`);
    else if (quantity(request) > quantity(limit)) add(`${resource} request above its limit`);
  }
  const memoryLimitMb = limits.memory === undefined ? 0 : quantity(limits.memory) / 2 ** 20;
  if (memoryLimitMb < PEAK_RSS_MB[app] * LIMIT_OVER_PEAK) add(`memory limit ${memoryLimitMb} MiB leaves too little above the measured peak`);
  const nodeOptions = container.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
  const heapMb = Number(/--max-old-space-size=(\d+)/.exec(nodeOptions)?.[1] ?? Number.NaN);
  if (!(heapMb < memoryLimitMb * 0.8)) add('NODE_OPTIONS --max-old-space-size must stay well below the memory limit');

  const needed = preStopSeconds(container) + config.SHUTDOWN_TIMEOUT_MS / 1000 + FORCED_EXIT_MARGIN_S;
  if (!((pod.terminationGracePeriodSeconds ?? 30) > needed)) {
    add(`terminationGracePeriodSeconds must exceed ${needed} s (preStop + SHUTDOWN_TIMEOUT_MS + margin)`);
  }
  if (app === 'dispatcher' && replicas > config.KAFKA_PARTITIONS) {
    add(`${replicas} dispatchers for ${config.KAFKA_PARTITIONS} partitions: the extra ones sit idle`);
  }
  return problems;
}

function probeTarget(probe: IProbe | undefined, container: IContainer): { path?: string; port?: number } | undefined {
  const get = probe?.httpGet;
  if (!get) return undefined;
  const port = typeof get.port === 'number' ? get.port : container.ports?.find((p) => p.name === get.port)?.containerPort;
  return { path: get.path, port };
}

/** A preStop pause delays SIGTERM by its length, so the grace period must cover it too. */
function preStopSeconds(container: IContainer): number {
  const preStop = container.lifecycle?.preStop;
  if (preStop?.sleep) return preStop.sleep.seconds;
  const [command, seconds] = preStop?.exec?.command ?? [];
  return command === 'sleep' && seconds !== undefined ? Number(seconds) : 0;
}
