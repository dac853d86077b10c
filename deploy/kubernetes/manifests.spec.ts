import { join } from 'node:path';
import { ruleProblems, schemaProblems } from './validation/cluster';
import { loadManifests } from './validation/manifests';

// No cluster runs in the tests: the manifests are checked against the Kubernetes schemas of their kinds and
// against what hookstream's apps need (validation/ holds the checks; validation/checks.spec.ts shows each one
// failing on a broken copy).
const REPO_ROOT = join(__dirname, '..', '..');

describe('deploy/kubernetes', () => {
  const manifests = loadManifests();

  it('holds a Deployment and a PodDisruptionBudget per app, the API Service, the ConfigMap and the example Secret', () => {
    const kinds = manifests.map((m) => m.what).sort();
    expect(kinds).toEqual([
      'ConfigMap/hookstream-config',
      'Deployment/hookstream-api',
      'Deployment/hookstream-dispatcher',
      'Deployment/hookstream-retry-scheduler',
      'Deployment/hookstream-status-projector',
      'Kustomization/(unnamed)',
      'PodDisruptionBudget/hookstream-api',
      'PodDisruptionBudget/hookstream-dispatcher',
      'PodDisruptionBudget/hookstream-retry-scheduler',
      'PodDisruptionBudget/hookstream-status-projector',
      'Secret/hookstream-secrets',
      'Service/hookstream-api',
    ]);
  });

  it('validates every document against its kind’s schema, with no field the kind does not know', () => {
    expect(schemaProblems(manifests)).toEqual([]);
  });

  it('keeps hookstream’s rules: probes, resources, budgets, graceful stop, production settings, secrets only in the Secret', () => {
    expect(ruleProblems(manifests, REPO_ROOT)).toEqual([]);
  });
});
