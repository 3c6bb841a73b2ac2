import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startRun } from './run-setup';

export default async function globalSetup(): Promise<void> {
  await startRun();
  // Some suites run the built server and `npm run token` as a newcomer would
  // (dist/): build first, as `npm run build` does (nest-cli.json), so that they never test a stale build.
  const root = join(__dirname, '..', '..');
  execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build'], { cwd: root, stdio: 'inherit' });
}
