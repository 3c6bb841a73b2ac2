import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const MODULES = __dirname;
const DOMAIN_MODULES = ['auth', 'notifications', 'sms', 'users'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The files this one imports by relative path, as paths below src/modules (without extension). */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/from '(\.[^']+)'/g)].map((match) => relative(MODULES, resolve(dirname(file), match[1])));
}

describe('module boundaries', () => {
  it('no domain module is global: whoever uses one imports it', () => {
    const moduleFiles = DOMAIN_MODULES.flatMap((name) => sourceFiles(join(MODULES, name))).filter((file) => file.endsWith('.module.ts'));
    expect(moduleFiles.length).toBeGreaterThanOrEqual(DOMAIN_MODULES.length);
    const global = moduleFiles.filter((file) => readFileSync(file, 'utf8').includes('@Global(')).map((file) => relative(MODULES, file));
    expect(global).toEqual([]);
  });

  it('other modules reach the SMS providers only through the port the sms module exports', () => {
    const allowed = new Set(['sms/active-sms-provider.port', 'sms/sms.module']);
    const reaches = DOMAIN_MODULES.filter((name) => name !== 'sms')
      .flatMap((name) => sourceFiles(join(MODULES, name)))
      .flatMap((file) => relativeImports(file).map((target) => ({ file: relative(MODULES, file), target })))
      .filter(({ target }) => target.startsWith('sms/') && !allowed.has(target));
    expect(reaches).toEqual([]);
  });
});
