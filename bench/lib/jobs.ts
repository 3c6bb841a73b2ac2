/** What the orchestrator (bench/run.ts) asks the load driver (bench/lib/load-driver.ts) to do, over IPC. */

/** How each request's body is made: a fresh value per request, so every PATCH really writes. */
export type BodyKind = 'none' | 'patch-data' | 'twilio-token';

export interface Target {
  origin: string;
  method: 'GET' | 'PATCH' | 'PUT';
  /** Requests go round-robin over these paths (many users, so row locks do not serialise everything). */
  paths: string[];
  body: BodyKind;
  token: string;
}

/** Closed loop at saturation: autocannon with `connections` connections. */
export interface ClosedLoopJob {
  kind: 'closed';
  target: Target;
  connections: number;
  warmupSec: number;
  durationSec: number;
}

/** Open loop: requests start on a fixed schedule whatever the answers do; latency counts from the scheduled start. */
export interface OpenLoopJob {
  kind: 'open';
  target: Target;
  ratePerSec: number;
  warmupSec: number;
  durationSec: number;
}

export interface GrpcJob {
  kind: 'grpc';
  /** host:port of the native gRPC listener. */
  address: string;
  token: string;
  rpc: 'GetUser' | 'GetSMSProvider';
  ids: string[];
  concurrency: number;
  warmupSec: number;
  durationSec: number;
}

/** The queue path: one PATCH with contact.phone + sendCode per user, split round-robin over `origins`. */
export interface BurstJob {
  kind: 'burst';
  origins: string[];
  token: string;
  users: Array<{ id: string; phone: string }>;
  concurrency: number;
}

export type Job = ClosedLoopJob | OpenLoopJob | GrpcJob | BurstJob;

export interface LoadResult {
  requestsPerSec: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  completed: number;
  /** Answers other than 2xx, and transport errors; a run with any is flagged in the report. */
  failures: number;
  failureSample?: string;
  /** gRPC only: the service does not implement the method. */
  unimplemented?: boolean;
  /** CPU time (user + system) the server process spent per completed request during the measurement. */
  cpuMsPerRequest?: number;
  /** The same for the local MariaDB server, when it runs on this machine. */
  dbCpuMsPerRequest?: number;
  /** Open loop only: the rate asked for. */
  targetRatePerSec?: number;
}

export interface BurstResult {
  startedAt: number;
  finishedAt: number;
  /** phone number → Date.now() when its PATCH answered 200. */
  acceptedAt: Record<string, number>;
  failures: number;
  failureSample?: string;
}

export function percentiles(samples: number[]): LoadResult['latencyMs'] {
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]);
  const round = (value: number) => Math.round(value * 10) / 10;
  return { p50: round(at(50)), p95: round(at(95)), p99: round(at(99)), max: round(sorted.length ? sorted[sorted.length - 1] : NaN) };
}
