import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOrCreatePrivateFile } from './private-file';

describe('readOrCreatePrivateFile', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'private-file-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the directory (0700) and the file (0600) once, then reads it', () => {
    const path = join(dir, 'data', 'secret');
    expect(readOrCreatePrivateFile(path, () => 'first')).toEqual({ content: 'first', created: true });
    expect(readOrCreatePrivateFile(path, () => 'second')).toEqual({ content: 'first', created: false });
    expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'data'))).toEqual(['secret']);
  });
});
