import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { appProblems, budgetProblems, Cluster, configProblems, kustomizationProblems, secretProblems, serviceProblems } from './cluster-rules';
import { deploymentProblems } from './deployment-rules';
import { KUSTOMIZATION_FILE, Manifest, manifestFiles, SECRET_EXAMPLE_FILE } from './manifests';
import { kustomizationSchema, schemaErrors, unknownFieldErrors } from './schema';

/** The documents sorted by kind, typed once each has passed its schema. */
export function clusterOf(manifests: Manifest[]): Cluster {
  const applied = manifests.filter((m) => m.file !== SECRET_EXAMPLE_FILE).map((m) => m.doc);
  return {
    deployments: applied.filter(Deployment.is),
    budgets: applied.filter(PodDisruptionBudget.is),
    services: applied.filter(Service.is),
    configMaps: applied.filter(ConfigMap.is),
    secrets: manifests.filter((m) => m.file === SECRET_EXAMPLE_FILE).map((m) => m.doc).filter(Secret.is),
  };
}

/** Schema errors, unknown fields and the kustomization's own shape, for the whole folder. */
export function schemaProblems(manifests: Manifest[]): string[] {
  const resources = manifests.filter((m) => m.file !== KUSTOMIZATION_FILE);
  const kustomizations = manifests.filter((m) => m.file === KUSTOMIZATION_FILE);
  return [
    ...resources.flatMap(schemaErrors),
    ...unknownFieldErrors(resources),
    ...kustomizations.flatMap((k) => {
      const parsed = kustomizationSchema.safeParse(k.doc);
      return parsed.success ? [] : parsed.error.issues.map((i) => `${k.label}: ${i.path.join('.')} ${i.message}`);
    }),
  ];
}

/** hookstream's own rules over the folder: every problem found, empty when all hold. */
export function ruleProblems(manifests: Manifest[], repoRoot: string, files = manifestFiles()): string[] {
  const cluster = clusterOf(manifests);
  const kustomization = kustomizationSchema.safeParse(manifests.find((m) => m.file === KUSTOMIZATION_FILE)?.doc);
  const { resources = [], images = [] } = kustomization.success ? kustomization.data : {};
  return [
    ...appProblems(cluster, repoRoot),
    ...cluster.deployments.flatMap((d) => deploymentProblems(d, cluster.configMaps)),
    ...budgetProblems(cluster),
    ...serviceProblems(cluster),
    ...configProblems(cluster),
    ...secretProblems(cluster),
    ...(kustomization.success ? [] : [`${KUSTOMIZATION_FILE} is missing or malformed`]),
    ...kustomizationProblems(
      resources,
      images.map((i) => i.name),
      files,
      cluster.deployments,
    ),
  ];
}
