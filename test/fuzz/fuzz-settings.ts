/**
 * How hard the fuzz suites push. `npm test` runs a few hundred cases per
 * endpoint; `npm run fuzz` sets FUZZ_RUNS=10000. FUZZ_SEED replays a failure
 * that fast-check reported (it prints the seed and the shrunk case).
 */
export const FUZZ_RUNS = positive('FUZZ_RUNS', 100);

/** Requests in flight at once: a property run sends one batch concurrently. */
export const FUZZ_BATCH = positive('FUZZ_BATCH', FUZZ_RUNS > 1000 ? 25 : 10);

export const FUZZ_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

/** FUZZ_ONLY=PatchUser,SearchUsers fuzzes only the named operations (REST operationId or RPC name): for replaying a seed. */
const FUZZ_ONLY = process.env.FUZZ_ONLY ? new Set(process.env.FUZZ_ONLY.split(',').map((name) => name.trim())) : undefined;

export function fuzzes(operation: string): boolean {
  return !FUZZ_ONLY || FUZZ_ONLY.has(operation);
}

/** Adds how long `work` took to a tally (FUZZ_VERBOSE tells time spent on the server's answers from time spent generating cases). */
export async function timed<T>(work: Promise<T>, add: (ms: number) => void): Promise<T> {
  const started = Date.now();
  try {
    return await work;
  } finally {
    add(Date.now() - started);
  }
}

/**
 * fast-check parameters for one endpoint: FUZZ_RUNS cases in batches of
 * FUZZ_BATCH. No shrinking: a failing batch already names each broken case,
 * and shrinking batches of huge bodies against a live server takes ages.
 */
export function runsFor(cases = FUZZ_RUNS): { numRuns: number; seed?: number; endOnFailure: boolean } {
  return { numRuns: Math.max(1, Math.ceil(cases / FUZZ_BATCH)), ...(FUZZ_SEED === undefined ? {} : { seed: FUZZ_SEED }), endOnFailure: true };
}

/** fast-check's report without its (possibly megabytes long) counterexample: the seed, then what went wrong. */
export function failureSummary(name: string, error: Error): string {
  const replay = /\{ seed: [^}]*\}/.exec(error.message)?.[0] ?? '';
  const cause = error.cause instanceof Error ? error.cause.message : error.message.slice(-4000);
  return `${name} ${replay}: ${cause.slice(0, 6000)}`;
}

/** Jest timeout of one endpoint's property: generous, since the machine is shared and 10,000 cases take a while. */
export function timeoutFor(cases = FUZZ_RUNS): number {
  return 60_000 + cases * 50;
}

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}
