import { startRun } from './run-setup';

/** The medium suites run the sources, not dist/: a run id and a reachable MariaDB are all they need. */
export default async function globalSetup(): Promise<void> {
  await startRun();
}
