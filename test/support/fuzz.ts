import fc from 'fast-check';

/**
 * The seed of this run's hostile-input properties: HOOKSTREAM_FUZZ_SEED replays a failed run (with
 * HOOKSTREAM_FUZZ_PATH, fast-check's path, straight to the failing case); otherwise a new one each run.
 */
export function fuzzSeed(): number {
  const given = process.env.HOOKSTREAM_FUZZ_SEED;
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isInteger(seed)) throw new Error(`HOOKSTREAM_FUZZ_SEED must be an integer, got "${given}"`);
    return seed;
  }
  return (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;
}

/**
 * Runs a property a fixed number of times from `seed`. No shrinking: each run is a real request to the
 * running system, and after a crash every smaller case fails too, so the first failing case is reported
 * as it was, with the seed (and path) that replays it.
 */
export async function checkProperty<T>(name: string, seed: number, numRuns: number, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => Promise<void>): Promise<void> {
  const path = process.env.HOOKSTREAM_FUZZ_PATH || undefined;
  const details = await fc.check(fc.asyncProperty(arbitrary, predicate), { seed, numRuns, endOnFailure: true, ...(path ? { path } : {}) });
  if (!details.failed) return;
  const counterexample = details.counterexample ? fc.stringify(details.counterexample[0]) : '(none)';
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(
    `${name} failed after ${details.numRuns} run(s); replay with HOOKSTREAM_FUZZ_SEED=${seed} HOOKSTREAM_FUZZ_PATH=${details.counterexamplePath ?? ''}\n` +
      `input: ${counterexample.length > 2000 ? `${counterexample.slice(0, 2000)}…` : counterexample}\n${error}`,
  );
}

/** A string shown in fast-check's report in place of a value (bodies may be hundreds of KiB). */
export function shown<T extends object>(value: T, text: string): T {
  return Object.assign(value, { [fc.toStringMethod]: () => text });
}
