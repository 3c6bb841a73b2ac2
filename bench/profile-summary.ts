/**
 * Summarises a `node --cpu-prof` profile (from `npm run bench -- --cpu-prof`):
 * self time by package / source directory, and the hottest functions.
 *
 *   node -r ./test/support/ts-register.js bench/profile-summary.ts bench/results/profiles/CPU.….cpuprofile [TOP] [FROM_S TO_S]
 *
 * FROM_S and TO_S restrict it to a window, in seconds after the process
 * started (the bench log prints when each phase began), e.g. one scenario.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const [file, top = '30', from, to] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts FILE.cpuprofile [TOP] [FROM_S TO_S]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };
if (from !== undefined) {
  // Recount hits from the samples inside the window.
  const [start, end] = [Number(from) * 1e6, Number(to ?? Infinity) * 1e6];
  const hits = new Map<number, number>();
  let t = 0;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i];
    if (t >= start && t <= end) hits.set(id, (hits.get(id) ?? 0) + 1);
  });
  for (const node of profile.nodes) node.hitCount = hits.get(node.id) ?? 0;
  profile.endTime = profile.startTime + Math.min(end, t) - start;
}
const totalHits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
const msPerHit = (profile.endTime - profile.startTime) / 1000 / Math.max(1, totalHits);

/** node_modules/<package>, dist/src/<dir>, node:internal, or the V8 pseudo-frames ((garbage collector), (idle), (program)). */
function area(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  const own = /\/dist\/(src\/[^/]+(?:\/[^/]+)?)\//.exec(url);
  if (own) return own[1];
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return url;
}

const byArea = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const node of profile.nodes) {
  const hits = node.hitCount ?? 0;
  if (!hits) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const a = area(url, functionName);
  byArea.set(a, (byArea.get(a) ?? 0) + hits);
  const key = `${functionName || '(anonymous)'}  ${a}${url ? `:${lineNumber + 1}` : ''}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
}
const busy = totalHits - (byArea.get('(idle)') ?? 0);
const line = (hits: number, label: string) =>
  `${((hits / busy) * 100).toFixed(1).padStart(5)}%  ${Math.round(hits * msPerHit).toString().padStart(7)} ms  ${label}`;
console.log(`${file}: ${Math.round((profile.endTime - profile.startTime) / 1e6)} s, busy ${Math.round(busy * msPerHit)} ms (percentages of busy time)\n`);
console.log('self time by package / directory:');
for (const [label, hits] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) if (label !== '(idle)') console.log(line(hits, label));
console.log('\nhottest functions (self time):');
for (const [label, hits] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) if (!label.startsWith('(idle)')) console.log(line(hits, label));
