import { join } from 'node:path';
import ts from 'typescript';
import { z } from 'zod';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { isRecord, Manifest, MANIFEST_DIR } from './manifests';

interface KindSchema {
  /** Validates against the kind's OpenAPI schema (types, required fields, formats such as quantities). */
  validate: (doc: Record<string, unknown>) => void;
  /** The same kind's generated TypeScript interface, for the unknown-field check. */
  typeModule: string;
  typeName: string;
}

const kind = (
  model: new (data: never) => { validate(): void },
  typeModule: string,
  typeName: string,
): KindSchema => ({ validate: (doc) => new model(doc as never).validate(), typeModule, typeName });

/** Every kind the folder may hold; any other kind fails the check, so nothing goes unvalidated. */
export const KINDS: Record<string, KindSchema> = {
  'apps/v1 Deployment': kind(Deployment, 'kubernetes-models/apps/v1/Deployment', 'IDeployment'),
  'policy/v1 PodDisruptionBudget': kind(PodDisruptionBudget, 'kubernetes-models/policy/v1/PodDisruptionBudget', 'IPodDisruptionBudget'),
  'v1 Service': kind(Service, 'kubernetes-models/v1/Service', 'IService'),
  'v1 ConfigMap': kind(ConfigMap, 'kubernetes-models/v1/ConfigMap', 'IConfigMap'),
  'v1 Secret': kind(Secret, 'kubernetes-models/v1/Secret', 'ISecret'),
};

/** The fields of kustomization.yaml this folder uses; anything else is refused rather than ignored. */
export const kustomizationSchema = z
  .object({
    apiVersion: z.literal('kustomize.config.k8s.io/v1beta1'),
    kind: z.literal('Kustomization'),
    resources: z.array(z.string()).min(1),
    images: z.array(z.object({ name: z.string(), newName: z.string().optional(), newTag: z.string().optional() }).strict()).optional(),
  })
  .strict();

export const kindKey = (doc: Record<string, unknown>): string => `${String(doc.apiVersion)} ${String(doc.kind)}`;

/** Schema errors of one Kubernetes document, as messages; empty when it is valid. */
export function schemaErrors(manifest: Manifest): string[] {
  const { doc, label } = manifest;
  if (!isRecord(doc)) return [`${label}: not a mapping`];
  const schema = KINDS[kindKey(doc)];
  if (!schema) return [`${label}: no schema for ${kindKey(doc)}`];
  try {
    schema.validate(doc);
    return [];
  } catch (e) {
    return [`${label}: ${(e as Error).message}`];
  }
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  lib: ['lib.es2022.d.ts'],
  types: [],
};

/** The standard library's and kubernetes-models' declarations, parsed once for every check of a test run. */
const declarations = new Map<string, ts.SourceFile>();

/** A compiler host that serves the generated documents from memory and everything else from disk. */
function compilerHost(texts: Map<string, string>): ts.CompilerHost {
  const disk = ts.createCompilerHost(COMPILER_OPTIONS);
  return {
    ...disk,
    getSourceFile: (name, version, ...rest) => {
      const text = texts.get(name);
      if (text !== undefined) return ts.createSourceFile(name, text, version);
      const parsed = declarations.get(name) ?? disk.getSourceFile(name, version, ...rest);
      if (parsed) declarations.set(name, parsed);
      return parsed;
    },
    fileExists: (name) => texts.has(name) || disk.fileExists(name),
    readFile: (name) => texts.get(name) ?? disk.readFile(name),
  };
}

/**
 * Fields the schema does not know. The OpenAPI schemas allow extra fields (the API server drops or refuses
 * them), so a misspelled optional field such as `readinesProbe` would pass them silently. Each document is
 * type-checked as an object literal of its kind's generated interface instead: TypeScript's excess-property
 * check names every unknown field at any depth.
 */
export function unknownFieldErrors(manifests: Manifest[]): string[] {
  const sources = new Map<string, Manifest>();
  const texts = new Map<string, string>();
  manifests.forEach((m, i) => {
    const schema = isRecord(m.doc) ? KINDS[kindKey(m.doc)] : undefined;
    if (!schema) return;
    const path = join(MANIFEST_DIR, 'validation', `__manifest_${i}.ts`);
    sources.set(path, m);
    const literal = JSON.stringify(m.doc, null, 2);
    texts.set(path, `import type { ${schema.typeName} } from '${schema.typeModule}';\nexport const manifest: ${schema.typeName} = ${literal};\n`);
  });
  const program = ts.createProgram([...texts.keys()], COMPILER_OPTIONS, compilerHost(texts));
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? (sources.get(d.file.fileName)?.label ?? d.file.fileName) : 'type check';
    // The documents are written as JSON, so TypeScript quotes field names twice: '"name"'.
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ').replace(/'"([^"']+)"'/g, "'$1'")}`;
  });
}
