import { config as loadDotenv } from 'dotenv';
import { ConfigError, loadConfig } from './config/app-config';
import { startApp } from './bootstrap';
import { installGracefulShutdown } from './lifecycle/graceful-shutdown';

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      // One line naming the variable and what is wrong with it.
      process.stderr.write(`configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await startApp(config);
  installGracefulShutdown(app, config.shutdownGraceSeconds);
}

main().catch((error: unknown) => {
  process.stderr.write(`start-up failed: ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});
