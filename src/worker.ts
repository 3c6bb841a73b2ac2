import { config as loadDotenv } from 'dotenv';
import { ConfigError, loadConfig } from './config/app-config';
import { startWorker } from './bootstrap';
import { installWorkerShutdown } from './lifecycle/graceful-shutdown';

/**
 * A process that only relays and delivers notifications (no HTTP): scale it
 * apart from the API, whose processes may then run with NOTIFICATION_WORKERS=false.
 */
async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  installWorkerShutdown(await startWorker({ ...config, notifications: { ...config.notifications, workers: true } }));
}

main().catch((error: unknown) => {
  process.stderr.write(`start-up failed: ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});
