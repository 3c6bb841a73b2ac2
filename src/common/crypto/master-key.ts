import { randomBytes } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { readOrCreatePrivateFile } from '../files/private-file';

export const MASTER_KEY_FILE = 'master.key';

/**
 * MASTER_KEY, or (embedded default, no DATABASE_URL) a key generated once into
 * DATA_DIR. Data sealed with the generated key opens only with it: keep the
 * file with the SQLite database.
 */
export function resolveMasterKey(config: AppConfig, warn: (line: string) => void): string {
  if (config.masterKey !== undefined) return config.masterKey;
  const path = `${config.dataDir}/${MASTER_KEY_FILE}`;
  // 24 random bytes as base64url: exactly 32 single-byte characters, like MASTER_KEY.
  const { content, created } = readOrCreatePrivateFile(path, () => randomBytes(24).toString('base64url') + '\n');
  const key = content.trim();
  if (Buffer.byteLength(key, 'utf8') !== 32) {
    throw new Error(`${path} must hold exactly 32 single-byte characters (delete it only if no data was sealed with it)`);
  }
  warn(
    created
      ? `no MASTER_KEY: generated one into ${path}; set MASTER_KEY to switch to production`
      : `no MASTER_KEY: using the key generated earlier in ${path}; set MASTER_KEY to switch to production`,
  );
  return key;
}
