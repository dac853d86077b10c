import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** Where the manifests live: the folder above this one. */
export const MANIFEST_DIR = join(__dirname, '..');

/** The Secret's shape, kept out of kustomization.yaml so that applying the folder never overwrites the real one. */
export const SECRET_EXAMPLE_FILE = 'secret.example.yaml';
export const KUSTOMIZATION_FILE = 'kustomization.yaml';

export interface Manifest {
  file: string;
  /** Position of the document in its file, from 0. */
  index: number;
  doc: unknown;
  /** `kind/name` */
  what: string;
  /** `file#index kind/name`, for messages. */
  label: string;
}

export function manifestFiles(dir = MANIFEST_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

/** Every YAML document of every file in the folder; a syntax error or a duplicate key throws, naming the file. */
export function loadManifests(dir = MANIFEST_DIR): Manifest[] {
  return manifestFiles(dir).flatMap((file) =>
    parseAllDocuments(readFileSync(join(dir, file), 'utf8'), { uniqueKeys: true }).map((parsed, index) => {
      const problems = [...parsed.errors, ...parsed.warnings];
      if (problems.length > 0) throw new Error(`${file}#${index}: ${problems.map((p) => p.message).join('; ')}`);
      const doc: unknown = parsed.toJS();
      const what = describe(doc);
      return { file, index, doc, what, label: `${file}#${index} ${what}` };
    }),
  );
}

function describe(doc: unknown): string {
  if (!isRecord(doc)) return '(not a mapping)';
  const meta = doc.metadata;
  const name = isRecord(meta) && typeof meta.name === 'string' ? meta.name : '(unnamed)';
  return `${String(doc.kind)}/${name}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Kubernetes quantities as plain numbers: memory in bytes, CPU in cores. */
export function quantity(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^([0-9.]+)(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/.exec(value);
  if (!match?.[1]) throw new Error(`not a quantity this check understands: ${value}`);
  const factors: Record<string, number> = { m: 1e-3, k: 1e3, Ki: 2 ** 10, M: 1e6, Mi: 2 ** 20, G: 1e9, Gi: 2 ** 30, T: 1e12, Ti: 2 ** 40 };
  return Number(match[1]) * (match[2] ? (factors[match[2]] ?? Number.NaN) : 1);
}
