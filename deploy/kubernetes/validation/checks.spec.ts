import { join } from 'node:path';
import type { Cluster } from './cluster-rules';
import { clusterOf, ruleProblems, schemaProblems } from './cluster';
import { appOf } from './deployment-rules';
import { isRecord, KUSTOMIZATION_FILE, loadManifests, Manifest } from './manifests';

// Each case breaks one thing in a copy of the real manifests and expects the checks to name it, so every
// check is shown able to fail (and the real manifests' passing run means something).
const REPO_ROOT = join(__dirname, '..', '..', '..');
const original = loadManifests();

type Edit = (cluster: Cluster, manifests: Manifest[]) => void;

function broken(edit: Edit): Manifest[] {
  const copy = structuredClone(original);
  edit(clusterOf(copy), copy);
  return copy;
}

const deployment = (c: Cluster, app: string) => {
  const found = c.deployments.find((d) => appOf(d) === app);
  if (!found?.spec?.template.spec) throw new Error(`no Deployment for ${app}`);
  return { deployment: found, spec: found.spec, pod: found.spec.template.spec, container: found.spec.template.spec.containers[0]! };
};
const configData = (c: Cluster) => c.configMaps[0]!.data!;
const budget = (c: Cluster, app: string) => c.budgets.find((b) => b.metadata?.name === `hookstream-${app}`)!;
const budgetLabels = (c: Cluster, app: string) => budget(c, app).spec!.selector!.matchLabels!;

describe('the manifest checks', () => {
  it('pass the manifests as they are', () => {
    expect(schemaProblems(original)).toEqual([]);
    expect(ruleProblems(original, REPO_ROOT)).toEqual([]);
  });

  const schemaCases: [string, Edit, RegExp][] = [
    ['a misspelled field', (c) => Object.assign(deployment(c, 'api').container, { readinesProbe: {} }), /'readinesProbe' does not exist/],
    [
      'a misspelled field deep in the pod',
      (c) => Object.assign(deployment(c, 'dispatcher').pod, { terminationGracePeriod: 30 }),
      /'terminationGracePeriod' does not exist/,
    ],
    ['a wrong type', (c) => Object.assign(deployment(c, 'dispatcher').spec, { replicas: '3' }), /replicas must be integer/],
    [
      'a bad quantity',
      (c) => Object.assign(deployment(c, 'api').container.resources!.limits!, { memory: '512 MB' }),
      /memory must match format "quantity"/,
    ],
    [
      'a missing required field',
      (c) => delete (deployment(c, 'api').container as { name?: string }).name,
      /containers\/0 must have required property name/,
    ],
    [
      'an unknown kustomization field',
      (_, m) => Object.assign(m.find((x) => x.file === KUSTOMIZATION_FILE)!.doc as object, { resource: [] }),
      /Unrecognized key/,
    ],
  ];
  it.each(schemaCases)('catch %s', (_, edit, expected) => {
    expect(schemaProblems(broken(edit)).join('\n')).toMatch(expected);
  });

  const ruleCases: [string, Edit, RegExp][] = [
    [
      'a readiness probe on the wrong port',
      (c) => (deployment(c, 'dispatcher').container.readinessProbe!.httpGet!.port = 3000),
      /hookstream-dispatcher: readinessProbe must be GET \/health on port 3001/,
    ],
    [
      'a liveness probe on the wrong path',
      (c) => (deployment(c, 'api').container.livenessProbe!.httpGet!.path = '/metrics'),
      /hookstream-api: livenessProbe must be GET \/health/,
    ],
    [
      'a missing liveness probe',
      (c) => delete deployment(c, 'status-projector').container.livenessProbe,
      /hookstream-status-projector: livenessProbe must be/,
    ],
    [
      'a port moved in the ConfigMap only',
      (c) => (configData(c).RETRY_SCHEDULER_PORT = '4002'),
      /hookstream-retry-scheduler: readinessProbe must be GET \/health on port 4002/,
    ],
    ['workers listening on loopback', (c) => (configData(c).OPS_HOST = '127.0.0.1'), /hookstream-dispatcher: OPS_HOST 127.0.0.1 cannot be probed/],
    [
      'a missing memory limit',
      (c) => delete deployment(c, 'dispatcher').container.resources!.limits!.memory,
      /hookstream-dispatcher: resources need a memory request and limit/,
    ],
    [
      'a memory limit without headroom',
      (c) => (deployment(c, 'dispatcher').container.resources!.limits!.memory = '300Mi'),
      /hookstream-dispatcher: memory limit 300 MiB/,
    ],
    [
      'a heap bound above the limit',
      (c) => (deployment(c, 'api').container.env!.find((e) => e.name === 'NODE_OPTIONS')!.value = '--max-old-space-size=600'),
      /hookstream-api: NODE_OPTIONS/,
    ],
    [
      'a grace period within the shutdown timeout',
      (c) => (deployment(c, 'api').pod.terminationGracePeriodSeconds = 20),
      /hookstream-api: terminationGracePeriodSeconds must exceed 22 s/,
    ],
    [
      'a shutdown timeout raised past the grace period',
      (c) => (configData(c).SHUTDOWN_TIMEOUT_MS = '40000'),
      /hookstream-dispatcher: terminationGracePeriodSeconds must exceed 42 s/,
    ],
    [
      'a key written into a Deployment',
      (c) => deployment(c, 'api').container.env!.push({ name: 'ENCRYPTION_KEY', value: Buffer.alloc(32, 1).toString('base64') }),
      /hookstream-api: ENCRYPTION_KEY must come from the Secret/,
    ],
    [
      'a database password written into a Deployment',
      (c) => deployment(c, 'status-projector').container.env!.push({ name: 'DATABASE_URL', value: 'postgres://u:pw@db/h' }),
      /DATABASE_URL holds a URL with a password/,
    ],
    ['a secret in the ConfigMap', (c) => (configData(c).API_KEYS = 'k'), /ConfigMap hookstream-config: API_KEYS belongs in the Secret/],
    [
      'a Deployment without the Secret',
      (c) => (deployment(c, 'dispatcher').container.envFrom = deployment(c, 'dispatcher').container.envFrom!.filter((s) => !s.secretRef)),
      /hookstream-dispatcher: takes nothing from the Secret/,
    ],
    ['service links left on', (c) => (deployment(c, 'api').pod.enableServiceLinks = true), /hookstream-api: enableServiceLinks must be false/],
    ['a single replica', (c) => (deployment(c, 'retry-scheduler').spec.replicas = 1), /hookstream-retry-scheduler: 1 replica/],
    ['more dispatchers than partitions', (c) => (deployment(c, 'dispatcher').spec.replicas = 8), /8 dispatchers for 6 partitions/],
    ['a missing budget', (c) => (budgetLabels(c, 'api')['app.kubernetes.io/component'] = 'gone'), /hookstream-api: 0 PodDisruptionBudgets select it/],
    [
      'a budget that blocks every drain',
      (c) => Object.assign(budget(c, 'dispatcher').spec!, { maxUnavailable: undefined, minAvailable: 3 }),
      /must allow one pod of 3 to go/,
    ],
    ['a budget selecting every app', (c) => delete budgetLabels(c, 'api')['app.kubernetes.io/component'], /also selects/],
    ['a Service leading elsewhere', (c) => (c.services[0]!.spec!.ports![0]!.targetPort = 8080), /Service hookstream-api: port 3000 leads to 8080/],
    ['a development NODE_ENV', (c) => (configData(c).NODE_ENV = 'development'), /NODE_ENV must be production/],
    ['unreplicated topics', (c) => (configData(c).KAFKA_REPLICATION_FACTOR = '1'), /KAFKA_REPLICATION_FACTOR must be 3/],
    ['a misspelled variable', (c) => (configData(c).KAFKA_PARTITION = '6'), /KAFKA_PARTITION is no variable hookstream reads/],
    ['a value the apps refuse', (c) => (configData(c).RETRY_MAX = 'lots'), /the app would not start: Invalid environment variables: RETRY_MAX/],
    ['a real value in the example Secret', (c) => (c.secrets[0]!.stringData!.API_KEYS = 'a-real-key'), /API_KEYS must stay an empty placeholder/],
    [
      'an app left out',
      (c) => (deployment(c, 'retry-scheduler').container.env!.find((e) => e.name === 'APP')!.value = 'dispatcher'),
      /0 Deployments run retry-scheduler/,
    ],
    ['a manifest the kustomization leaves out', (_, m) => dropResource(m, 'dispatcher.yaml'), /does not apply dispatcher.yaml/],
    ['an image the kustomization cannot point elsewhere', (c) => (deployment(c, 'api').container.image = 'other:1'), /image other:1 has no entry/],
  ];
  it.each(ruleCases)('catch %s', (_, edit, expected) => {
    expect(ruleProblems(broken(edit), REPO_ROOT).join('\n')).toMatch(expected);
  });
});

function dropResource(manifests: Manifest[], file: string): void {
  const doc = manifests.find((m) => m.file === KUSTOMIZATION_FILE)?.doc;
  if (isRecord(doc) && Array.isArray(doc.resources)) doc.resources = doc.resources.filter((r) => r !== file);
}
