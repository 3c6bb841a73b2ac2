/**
 * `node -r ./test/support/ts-register.js bench/schema-costs.ts`: what user
 * schemas cost the event loop, in-process on the SchemaCompiler that the
 * users' and schemas' services call. Prints, best of a few runs:
 * - how long validating one user write blocks against `^(a+)+$` with n × "a" + "!";
 * - how long checking a schema (create/patch) and the first user write against
 *   it take, for flat schemas of 100 to 5,000 properties and for nesting depths
 *   (a refused schema shows the time until it is refused).
 * It measures; it asserts nothing.
 */
import { SchemaCompiler } from '../src/modules/users/schema-compiler';

const REPEATS = 3;

function best(run: () => void, repeats = REPEATS): number {
  let fastest = Infinity;
  for (let i = 0; i < repeats; i++) {
    const started = process.hrtime.bigint();
    try {
      run();
    } catch {
      // A refused schema or data costs its time too.
    }
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - started) / 1e6);
  }
  return fastest;
}

function flat(properties: number): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (let i = 0; i < properties; i++) props[`p${i}`] = { type: 'string', maxLength: 200 };
  return { type: 'object', properties: props };
}

function nested(depth: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'string' };
  for (let i = 0; i < depth; i++) schema = { type: 'object', properties: { a: schema, b: { type: 'integer' } } };
  return schema;
}

let revision = 0;
function measureSchema(label: string, schema: Record<string, unknown>): void {
  // A fresh compiler per run (built outside the timing), so that no cache answers.
  const fresh = Array.from({ length: REPEATS }, () => new SchemaCompiler());
  const check = best(() => fresh.pop()!.compile(schema));
  // As the schemas' service does: the revision checked at create/patch is the one user writes use.
  const id = `bench-${++revision}`;
  let refused = '';
  try {
    compiler.remember(id, 1, compiler.compile(schema));
  } catch (error) {
    refused = `   refused: ${(error as Error).message}`;
  }
  const firstWrite = refused ? 0 : best(() => compiler.assertValidData({ id, revision: 1, document: schema }, 'self', {}), 1);
  console.log(`${label.padEnd(28)} create/patch ${check.toFixed(1).padStart(8)} ms   first user write ${firstWrite.toFixed(1).padStart(8)} ms${refused}`);
}

const compiler = new SchemaCompiler();
const sizesOnly = process.argv.includes('--sizes-only');
const hostile = { type: 'object', properties: { name: { type: 'string', pattern: '^(a+)+$' } } };
let patternAccepted = true;
try {
  compiler.compile(hostile);
} catch {
  patternAccepted = false;
}
if (!sizesOnly) {
console.log(`schema with pattern ^(a+)+$: ${patternAccepted ? 'accepted' : 'refused'}`);
for (const n of [20, 25, 29, 32]) {
  const ms = best(() => compiler.assertValidData({ id: 'hostile', revision: 1, document: hostile }, 'self', { name: 'a'.repeat(n) + '!' }), n > 26 ? 1 : REPEATS);
  console.log(`user write, ${String(n).padStart(2)} × "a" + "!"        blocks ${ms.toFixed(1).padStart(8)} ms`);
}
const url = { type: 'object', properties: { site: { type: 'string', format: 'url' } } };
for (const n of [5_000, 20_000, 80_000]) {
  const ms = best(() => compiler.assertValidData({ id: 'url', revision: 1, document: url }, 'self', { site: 'http://' + '::'.repeat(n / 2) + '#' }), 1);
  console.log(`user write, format url, ${String(n).padStart(6)} chars blocks ${ms.toFixed(1).padStart(8)} ms`);
}
}
for (const n of [100, 499, 1_000, 5_000]) measureSchema(`${n} properties`, flat(n));
for (const depth of [10, 20, 30]) measureSchema(`nesting depth ${depth}`, nested(depth));
