import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LoadResult } from './jobs';
import { ROOT } from './processes';

export interface ScenarioRow {
  name: string;
  service: LoadResult;
  /** null: no baseline for this row (gRPC). */
  baseline: LoadResult | null;
  note?: string;
}

export interface QueueRun {
  instances: number;
  /** How the run's processes were arranged, when not "N instances" (each accepting and sending). */
  label?: string;
  codes: number;
  /** Codes per second from the burst's first PATCH to the last receipt at the stand-in. */
  codesPerSec: number;
  /** PATCH answers per second (accept rate). */
  acceptPerSec: number;
  /**
   * Codes per second that reached the stand-in while the PATCHes were still
   * being answered, and after the last one: how much the API's load slows
   * delivery in the same processes. Absent in results recorded before.
   */
  deliveredPerSec?: { whileAccepting: number; after: number };
  /** Accept (HTTP 200 at the client) → receipt at the Twilio stand-in. */
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  delivered: number;
  /** Codes that reached the stand-in more than once (same number and body). */
  duplicates: number;
  /** Accepted codes that never arrived. */
  missing: number;
  /** PATCHes that did not answer 200. */
  refused: number;
  refusedSample?: string;
  /** Messages each instance's workers sent (counted at the stand-in, one listener per instance). */
  shares: number[];
  /**
   * CPU time of every process on the machine from the burst's first PATCH to
   * its last receipt, per delivered code: the service's processes (instances
   * and worker processes), MariaDB, Redis, and the bench's own load driver and
   * Twilio stand-in. Absent in older results, and for a server not on this machine.
   */
  cpuMsPerCode?: { service: number; database?: number; redis?: number; benchTools: number; total: number };
}

export interface StartUp {
  instance: number;
  healthzMs: number;
  readyzMs: number;
  freshDatabase: boolean;
}

export interface Target {
  name: string;
  value: string;
  ok: boolean;
}

export interface BenchReport {
  date: string;
  quick: boolean;
  /** Service #1 ran under --cpu-prof: slower, so not a result to keep as the latest. */
  profiled?: boolean;
  machine: { cpus: number; node: string; database: string };
  settings: Record<string, unknown>;
  scenarios: ScenarioRow[];
  halfSaturation: { service: LoadResult; baseline: LoadResult };
  queue: QueueRun[];
  peakRssMb: Array<number | undefined>;
  /** The queue run with a worker process of its own: the API's and the worker's peak RSS. Absent in older results. */
  separateWorkerPeakRssMb?: { api: number | undefined; worker: number | undefined };
  startUp: StartUp[];
  targets: Target[];
}

export function evaluateTargets(report: Omit<BenchReport, 'targets'>): Target[] {
  const patch = report.scenarios.find((row) => row.name.startsWith('PATCH user'))!;
  const ratio = patch.baseline ? patch.service.requestsPerSec / patch.baseline.requestsPerSec : NaN;
  const half = report.halfSaturation.service.latencyMs;
  const rss = Math.max(...report.peakRssMb.map((mb) => mb ?? Infinity));
  const targets: Target[] = [
    { name: 'PATCH ≥ 70% of baseline throughput', value: `${pct(ratio)}`, ok: ratio >= 0.7 },
    { name: 'PATCH ≥ 300 req/s', value: `${patch.service.requestsPerSec} req/s`, ok: patch.service.requestsPerSec >= 300 },
    { name: 'p99 ≤ 50 ms at half saturation', value: `${half.p99} ms`, ok: half.p99 <= 50 },
    { name: 'p99/p50 ≤ 5 at half saturation', value: `${round1(half.p99 / half.p50)}`, ok: half.p99 / half.p50 <= 5 },
  ];
  // Each topology of the burst is judged on its own: none is picked as "the" result.
  for (const run of report.queue) {
    targets.push(
      { name: `≥ 1,000 codes/s through the queue (${queueRunLabel(run)})`, value: `${run.codesPerSec} codes/s`, ok: run.codesPerSec >= 1000 },
      { name: `p99 accept→receipt ≤ 1 s (${queueRunLabel(run)})`, value: `${run.latencyMs.p99} ms`, ok: run.latencyMs.p99 <= 1000 },
    );
  }
  targets.push({ name: 'peak RSS ≤ 250 MB', value: `${rss} MB`, ok: rss <= 250 });
  for (const run of report.queue) {
    targets.push({
      name: `every code delivered exactly once (${queueRunLabel(run)})`,
      value: `${run.delivered}/${run.codes} delivered, ${run.duplicates} duplicates, ${run.missing} missing, ${run.refused} refused`,
      ok: run.duplicates === 0 && run.missing === 0 && run.refused === 0 && run.delivered === run.codes,
    });
  }
  return targets;
}

/** "service / MariaDB / Redis / load driver + stand-in = all", in ms per code ('' for results without it). */
export function cpuPerCode(run: QueueRun): string {
  const cpu = run.cpuMsPerCode;
  if (!cpu) return '';
  const part = (ms: number | undefined) => (ms === undefined ? '?' : String(ms));
  return `${part(cpu.service)} / ${part(cpu.database)} / ${part(cpu.redis)} / ${part(cpu.benchTools)} = ${part(cpu.total)}`;
}

function queueRunLabel(run: QueueRun): string {
  return run.label ?? `${run.instances} instance${run.instances > 1 ? 's' : ''}`;
}

export function toMarkdown(report: BenchReport): string {
  const ms = (value: number) => (Number.isFinite(value) ? `${value}` : '–');
  const lines: string[] = [];
  lines.push(
    `Measured ${report.date} on ${report.machine.cpus} cores, Node ${report.machine.node}, ${report.machine.database}` +
      `${report.quick ? ' (**--quick** smoke run: short, not for judging)' : ''}; service, baseline, load driver, MariaDB and Redis share the machine.`,
  );
  lines.push('');
  lines.push('| scenario | service req/s | p50 ms | p95 ms | p99 ms | CPU ms/req (MariaDB) | baseline req/s | p50 ms | p95 ms | p99 ms | CPU ms/req (MariaDB) | service/baseline req/s |');
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const row = (name: string, service: LoadResult, baseline: LoadResult | null, note?: string) => {
    const cpu = (result: LoadResult) =>
      result.cpuMsPerRequest === undefined ? '' : `${result.cpuMsPerRequest}${result.dbCpuMsPerRequest === undefined ? '' : ` (${result.dbCpuMsPerRequest})`}`;
    const s = service.unimplemented
      ? ['n/a', '', '', '', '']
      : [`${service.requestsPerSec}`, ms(service.latencyMs.p50), ms(service.latencyMs.p95), ms(service.latencyMs.p99), cpu(service)];
    const b = baseline
      ? [`${baseline.requestsPerSec}`, ms(baseline.latencyMs.p50), ms(baseline.latencyMs.p95), ms(baseline.latencyMs.p99), cpu(baseline)]
      : ['n/a', '', '', '', ''];
    const ratio = baseline && !service.unimplemented ? pct(service.requestsPerSec / baseline.requestsPerSec) : '–';
    const flags = [service.failures ? `service: ${service.failures} failed` : '', baseline?.failures ? `baseline: ${baseline.failures} failed` : '', note ?? '']
      .filter(Boolean)
      .join('; ');
    lines.push(`| ${name}${flags ? ` (${flags})` : ''} | ${s.join(' | ')} | ${b.join(' | ')} | ${ratio} |`);
  };
  for (const scenario of report.scenarios) row(scenario.name, scenario.service, scenario.baseline, scenario.note);
  const half = report.halfSaturation;
  row(
    `PATCH user at half saturation, open loop (service ${half.service.targetRatePerSec}/s, baseline ${half.baseline.targetRatePerSec}/s)`,
    half.service,
    half.baseline,
  );
  lines.push('');
  lines.push('| queue burst (PATCH with contact.phone + sendCode → Twilio stand-in) | codes | accepted/s | codes/s (first PATCH → last receipt) | delivered/s while accepting / after | accept→receipt p50 ms | p95 ms | p99 ms | max ms | delivered | duplicates | missing | share per instance | CPU ms per code: service / MariaDB / Redis / load driver + stand-in = all |');
  lines.push('| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |');
  for (const run of report.queue) {
    lines.push(
      `| ${queueRunLabel(run)}${run.refused ? ` (${run.refused} refused)` : ''} | ${run.codes} | ${run.acceptPerSec} | ${run.codesPerSec} | ${run.deliveredPerSec ? `${run.deliveredPerSec.whileAccepting} / ${run.deliveredPerSec.after}` : ''} | ${run.latencyMs.p50} | ${run.latencyMs.p95} | ${run.latencyMs.p99} | ${run.latencyMs.max} | ${run.delivered} | ${run.duplicates} | ${run.missing} | ${run.shares.map((share, i) => `#${i + 1}: ${share}`).join(', ')} | ${cpuPerCode(run)} |`,
    );
  }
  if (report.queue.some((run) => run.cpuMsPerCode)) {
    lines.push('');
    lines.push(
      `CPU per code counts every process on the machine while the burst lasts. ${report.machine.cpus} cores give ${report.machine.cpus} ms of CPU ` +
        `per code at 1,000 codes/s, ${round1(report.machine.cpus * 1000 / 600)} ms at 600/s.`,
    );
  }
  lines.push('');
  lines.push(
    `Peak RSS (VmHWM) of the service under load: ${report.peakRssMb.map((mb, i) => `#${i + 1} ${mb ?? '?'} MB`).join(', ')} ` +
      `(node flags: ${report.settings.nodeFlags ? `\`${report.settings.nodeFlags}\`` : 'none'}${settingsText(report.settings.env)}). ` +
      `Start-up (spawn → /healthz 200 / → /readyz 200): ${report.startUp
        .map((s) => `#${s.instance} ${s.healthzMs} ms / ${s.readyzMs} ms${s.freshDatabase ? ' (fresh database, migrations included)' : ''}`)
        .join('; ')}.` +
      (report.separateWorkerPeakRssMb
        ? ` With a worker process of its own: API ${report.separateWorkerPeakRssMb.api ?? '?'} MB, worker ${report.separateWorkerPeakRssMb.worker ?? '?'} MB.`
        : ''),
  );
  lines.push('');
  lines.push('| target | measured | |');
  lines.push('| --- | --- | --- |');
  for (const target of report.targets) lines.push(`| ${target.name} | ${target.value} | ${target.ok ? '✓' : '✗'} |`);
  return lines.join('\n') + '\n';
}

/** A timestamped pair for every run, and latest.{json,md} for full runs, all under bench/results/runs/ (ignored by git). */
export function writeResults(report: BenchReport, markdown: string): string[] {
  const dir = join(ROOT, 'bench', 'results', 'runs');
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  const stamp = report.date.replace(/[:.]/g, '-');
  const base = `${stamp}${report.quick ? '-quick' : ''}${report.profiled ? '-profiled' : ''}`;
  const files = [join(dir, `${base}.json`), join(dir, `${base}.md`)];
  writeFileSync(files[0], JSON.stringify(report, null, 2) + '\n');
  writeFileSync(files[1], markdown);
  if (!report.quick && !report.profiled) {
    writeFileSync(join(dir, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
    writeFileSync(join(dir, 'latest.md'), markdown);
    files.push(join(dir, 'latest.json'), join(dir, 'latest.md'));
  }
  return files;
}

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

/**
 * `--publish`: the run becomes the one the docs cite, bench/results/published/latest.{json,md}
 * and the table between the markers in docs/benchmarks.md. These are the only tracked files a run writes.
 */
export function publishResults(report: BenchReport, markdown: string): string[] {
  const dir = join(ROOT, 'bench', 'results', 'published');
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  const files = [join(dir, 'latest.json'), join(dir, 'latest.md')];
  writeFileSync(files[0], JSON.stringify(report, null, 2) + '\n');
  writeFileSync(files[1], markdown);
  const doc = join(ROOT, 'docs', 'benchmarks.md');
  const text = readFileSync(doc, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error('docs/benchmarks.md has no bench:results markers');
  writeFileSync(doc, `${text.slice(0, start + START.length)}\n${markdown}${text.slice(end)}`);
  return [...files, doc];
}

function pct(ratio: number): string {
  return Number.isFinite(ratio) ? `${Math.round(ratio * 100)}%` : '–';
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** The `--env` settings of the run, if any: a table measured with them is not one of the defaults. */
function settingsText(env: unknown): string {
  const entries = Object.entries((env ?? {}) as Record<string, string>);
  return entries.length === 0 ? '' : `; settings: ${entries.map(([name, value]) => `\`${name}=${value}\``).join(', ')}`;
}
