import { dirname, join } from 'node:path';

/**
 * nestjs-pino keeps one pino-http instance per process, made with the first
 * application's parameters. The suites start several applications in one
 * process, each with its own LOG_LEVEL and log stream, so each start begins
 * with a fresh instance (nestjs-pino's own test reset, not in its exports map).
 */
export function resetNestjsPinoRoot(): void {
  const cjs = join(dirname(require.resolve('nestjs-pino')), 'PinoLogger.js');
  (require(cjs) as { __resetOutOfContextForTests(): void }).__resetOutOfContextForTests();
}
