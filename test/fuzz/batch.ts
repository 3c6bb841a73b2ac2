import { TestApp } from '../support/test-app';
import { StoredState } from './stored-state';

export interface Outcome {
  /** An error answer: it must have changed nothing. */
  refused: boolean;
  /** Why the answer is wrong, if it is. */
  problem?: string;
}

/**
 * Sends one batch of fuzz cases concurrently and checks every answer, then
 * that refused requests changed nothing. When some requests of the batch were
 * accepted (their writes are legitimate), each refused one is replayed alone
 * between two reads of the stored state, so a partial write cannot hide
 * behind an accepted neighbour.
 */
export async function runBatch<C>(
  t: TestApp,
  state: StoredState,
  ignore: readonly string[],
  cases: readonly C[],
  send: (fuzzCase: C) => Promise<Outcome>,
  describe: (fuzzCase: C) => string,
): Promise<void> {
  const before = await state.read(t, ignore);
  const outcomes = await Promise.all(cases.map(send));
  const problems = outcomes.flatMap((outcome, i) => (outcome.problem ? [`${outcome.problem}\n    for ${describe(cases[i])}`] : []));
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const after = await state.read(t, ignore);
  if (outcomes.every((outcome) => outcome.refused)) {
    if (after !== before) throw new Error(`refused requests changed stored data:\n${await state.changes(t, before, after, ignore)}\n  batch: ${cases.map(describe).join('\n    ')}`);
    return;
  }
  for (const [i, outcome] of outcomes.entries()) {
    if (!outcome.refused) continue;
    const alone = await state.read(t, ignore);
    const again = await send(cases[i]);
    if (again.problem) throw new Error(`${again.problem}\n    for ${describe(cases[i])}`);
    if (!again.refused) continue;
    const afterAlone = await state.read(t, ignore);
    if (afterAlone !== alone) throw new Error(`a refused request changed stored data:\n${await state.changes(t, alone, afterAlone, ignore)}\n    for ${describe(cases[i])}`);
  }
}

/** A case as one readable line (long values cut). */
export function brief(value: unknown, limit = 400): string {
  const text = JSON.stringify(value, (_key, v) => (typeof v === 'string' && v.length > 80 ? `${v.slice(0, 40)}…(${v.length} chars)` : v instanceof Uint8Array ? `<${v.length} bytes>` : v));
  return text === undefined ? String(value) : text.length > limit ? `${text.slice(0, limit)}…(${text.length} chars)` : text;
}
