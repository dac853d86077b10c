import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import { envSchema, loadConfig } from '@app/config';
import { APP_PORTS, appOf, podConfig, SECRET_VARIABLES } from './deployment-rules';
import { KUSTOMIZATION_FILE, SECRET_EXAMPLE_FILE } from './manifests';

export interface Cluster {
  deployments: IDeployment[];
  budgets: IPodDisruptionBudget[];
  services: IService[];
  configMaps: IConfigMap[];
  /** The example Secret: the shape of the real one, which only the cluster holds. */
  secrets: ISecret[];
}

/** The production settings the ConfigMap must carry, as the apps read them. */
export const PRODUCTION_SETTINGS: Record<string, string> = {
  NODE_ENV: 'production',
  KAFKA_REPLICATION_FACTOR: '3',
  KAFKA_MIN_INSYNC_REPLICAS: '2',
  ALLOW_INSECURE_HTTP: 'false',
  ALLOW_PRIVATE_TARGETS: 'false',
};

/**
 * Variables of the production-Kafka work that libs/config does not read yet; drop each one from here once
 * env.schema.ts has it, so a misspelled name can never hide behind this list.
 */
export const COMING_VARIABLES = ['KAFKA_REPLICATION_FACTOR', 'KAFKA_MIN_INSYNC_REPLICAS'];

/** What the image reads besides hookstream's own settings. */
const IMAGE_VARIABLES = ['APP', 'NODE_OPTIONS'];

const REQUIRED_SECRET_KEYS = ['API_KEYS', 'ENCRYPTION_KEY', 'DATABASE_URL', 'KAFKA_SASL_PASSWORD'];

const selects = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean =>
  Object.keys(selector ?? {}).length > 0 && Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);

const podLabels = (d: IDeployment) => d.spec?.template.metadata?.labels;
const nameOf = (o: { metadata?: { name?: string } }) => o.metadata?.name ?? '(no name)';

/** One Deployment per app, each running an app the repository has. */
export function appProblems(cluster: Cluster, repoRoot: string): string[] {
  const apps = cluster.deployments.map(appOf);
  return Object.keys(APP_PORTS).flatMap((app) => {
    const count = apps.filter((a) => a === app).length;
    if (count !== 1) return [`${count} Deployments run ${app}, 1 expected`];
    return existsSync(join(repoRoot, 'apps', app, 'src', 'main.ts')) ? [] : [`apps/${app}/src/main.ts is missing: the image cannot run ${app}`];
  });
}

/** Every Deployment is covered by exactly one budget, of its own, that still lets a node drain go on. */
export function budgetProblems({ deployments, budgets }: Cluster): string[] {
  const problems = budgets
    .filter((b) => (b.spec?.selector?.matchExpressions ?? []).length > 0)
    .map((b) => `PodDisruptionBudget ${nameOf(b)}: use matchLabels only (this check does not evaluate expressions)`);
  for (const d of deployments) {
    const covering = budgets.filter((b) => selects(b.spec?.selector?.matchLabels, podLabels(d)));
    const [budget] = covering;
    if (covering.length !== 1 || !budget) {
      problems.push(`Deployment ${nameOf(d)}: ${covering.length} PodDisruptionBudgets select it, 1 expected`);
      continue;
    }
    const others = deployments.filter((o) => o !== d && selects(budget.spec?.selector?.matchLabels, podLabels(o)));
    if (others.length > 0) problems.push(`PodDisruptionBudget ${nameOf(budget)} also selects ${others.map(nameOf).join(', ')}`);
    const { maxUnavailable, minAvailable } = budget.spec ?? {};
    const replicas = d.spec?.replicas ?? 1;
    const allowsOne =
      typeof maxUnavailable === 'number' ? maxUnavailable >= 1 : typeof minAvailable === 'number' ? minAvailable < replicas : false;
    if (!allowsOne) {
      problems.push(`PodDisruptionBudget ${nameOf(budget)} must allow one pod of ${replicas} to go (integer maxUnavailable or minAvailable)`);
    }
  }
  return problems;
}

/** The API is reachable through a Service whose port leads to the port the API listens on. */
export function serviceProblems({ deployments, services, configMaps }: Cluster): string[] {
  const api = deployments.find((d) => appOf(d) === 'api');
  const container = api?.spec?.template.spec?.containers[0];
  if (!api || !container) return ['no API Deployment for a Service to lead to'];
  let port: number;
  try {
    port = podConfig(container, configMaps).PORT;
  } catch {
    return []; // deploymentProblems already names the setting the API would refuse
  }
  const apiServices = services.filter((s) => selects(s.spec?.selector, podLabels(api)));
  if (apiServices.length === 0) return ['no Service selects the API pods'];
  return apiServices.flatMap((s) =>
    (s.spec?.ports ?? []).flatMap((p) => {
      const target = p.targetPort ?? p.port;
      const resolved = typeof target === 'number' ? target : container.ports?.find((c) => c.name === target)?.containerPort;
      return resolved === port ? [] : [`Service ${nameOf(s)}: port ${p.port} leads to ${String(resolved)}, the API listens on ${port}`];
    }),
  );
}

/** Production settings present, every name one the apps read, and no secret among them. */
export function configProblems({ configMaps, deployments }: Cluster): string[] {
  const known = new Set([...Object.keys(envSchema.shape), ...COMING_VARIABLES]);
  const problems: string[] = [];
  for (const c of configMaps) {
    const data = c.data ?? {};
    for (const [key, value] of Object.entries(PRODUCTION_SETTINGS)) {
      if (data[key] !== value) problems.push(`ConfigMap ${nameOf(c)}: ${key} must be ${value}, is ${String(data[key])}`);
    }
    for (const key of Object.keys(data)) {
      if (!known.has(key)) problems.push(`ConfigMap ${nameOf(c)}: ${key} is no variable hookstream reads`);
      if (SECRET_VARIABLES.includes(key)) problems.push(`ConfigMap ${nameOf(c)}: ${key} belongs in the Secret`);
    }
  }
  for (const d of deployments) {
    for (const e of d.spec?.template.spec?.containers.flatMap((c) => c.env ?? []) ?? []) {
      if (!known.has(e.name) && !IMAGE_VARIABLES.includes(e.name)) {
        problems.push(`Deployment ${nameOf(d)}: ${e.name} is no variable hookstream reads`);
      }
    }
    for (const ref of d.spec?.template.spec?.containers.flatMap((c) => c.envFrom ?? []) ?? []) {
      const wanted = ref.configMapRef?.name;
      if (wanted !== undefined && !configMaps.some((c) => nameOf(c) === wanted)) problems.push(`Deployment ${nameOf(d)}: no ConfigMap ${wanted}`);
    }
  }
  return problems;
}

/** The example Secret names what the Deployments read, holds no value, and would not let an app start as it is. */
export function secretProblems({ secrets, deployments, configMaps }: Cluster): string[] {
  const [secret, ...more] = secrets;
  if (!secret || more.length > 0) return [`${secrets.length} Secrets in ${SECRET_EXAMPLE_FILE}, 1 expected`];
  const values = { ...secret.stringData, ...secret.data };
  const problems = REQUIRED_SECRET_KEYS.filter((k) => !(k in values)).map((k) => `Secret ${nameOf(secret)}: ${k} is missing`);
  for (const [key, value] of Object.entries(values)) {
    if (!SECRET_VARIABLES.includes(key)) problems.push(`Secret ${nameOf(secret)}: ${key} is not a secret setting (put it in the ConfigMap)`);
    if (value !== '') problems.push(`Secret ${nameOf(secret)}: ${key} must stay an empty placeholder in the repository`);
  }
  for (const d of deployments) {
    const refs = d.spec?.template.spec?.containers.flatMap((c) => c.envFrom ?? []).flatMap((s) => (s.secretRef ? [s.secretRef.name] : [])) ?? [];
    if (refs.some((r) => r !== nameOf(secret))) {
      problems.push(`Deployment ${nameOf(d)}: reads Secret ${refs.join(', ')}, the example is ${nameOf(secret)}`);
    }
  }
  const asIs = { ...Object.assign({}, ...configMaps.map((c) => c.data ?? {})), ...values } as Record<string, string>;
  try {
    loadConfig(asIs);
    problems.push(`Secret ${nameOf(secret)}: the apps would start with the placeholders`);
  } catch {
    // Refusing to start on the placeholders is the point.
  }
  return problems;
}

/** The kustomization applies every manifest but the example Secret, and can point every image elsewhere. */
export function kustomizationProblems(resources: string[], images: string[], files: string[], deployments: IDeployment[]): string[] {
  const expected = files.filter((f) => f !== KUSTOMIZATION_FILE && f !== SECRET_EXAMPLE_FILE);
  const problems = [
    ...expected.filter((f) => !resources.includes(f)).map((f) => `${KUSTOMIZATION_FILE} does not apply ${f}`),
    ...resources.filter((r) => !expected.includes(r)).map((r) => `${KUSTOMIZATION_FILE} lists ${r}, which is not a manifest of the folder`),
  ];
  for (const d of deployments) {
    for (const c of d.spec?.template.spec?.containers ?? []) {
      const repository = (c.image ?? '').split(':')[0] ?? '';
      if (!images.includes(repository)) {
        problems.push(`Deployment ${nameOf(d)}: image ${String(c.image)} has no entry in ${KUSTOMIZATION_FILE} images`);
      }
    }
  }
  return problems;
}
