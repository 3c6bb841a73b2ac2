import { randomBytes } from 'node:crypto';

/** The embedded topology needs no server, only the run id the suites name things after. */
export default async function globalSetup(): Promise<void> {
  process.env.TEST_RUN_ID ??= `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}
