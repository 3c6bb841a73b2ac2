import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * The embedded defaults keep secrets in DATA_DIR (the generated master key,
 * the development issuer's private key). The directory is 0700, the files 0600.
 */
export function ensurePrivateDir(dir: string): void {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Reads a private file, or creates it with `make()` when it does not exist yet.
 * The file appears atomically and only once (written aside, then hard-linked
 * into place): when the server and `npm run token` start together, both end
 * up with the same content.
 */
export function readOrCreatePrivateFile(path: string, make: () => string): { content: string; created: boolean } {
  ensurePrivateDir(dirname(path));
  if (existsSync(path)) return { content: readFileSync(path, 'utf8'), created: false };
  const aside = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(aside, make(), { mode: 0o600, flag: 'wx' });
  chmodSync(aside, 0o600);
  try {
    linkSync(aside, path);
    return { content: readFileSync(path, 'utf8'), created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { content: readFileSync(path, 'utf8'), created: false };
  } finally {
    unlinkSync(aside);
  }
}
