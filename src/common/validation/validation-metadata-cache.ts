import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

type Lookup = (target: Function, schema: string, always: boolean, strictGroups: boolean, groups?: string[]) => ValidationMetadata[];

interface Storage {
  getTargetValidationMetadatas: Lookup;
  addValidationMetadata(metadata: ValidationMetadata): void;
}

const installed = Symbol.for('idt.validationMetadataCache');

/**
 * class-validator finds a class's rules anew on every validation: it walks the
 * rules of every decorated class (a few hundred here) to find the ones the
 * class inherits, and allocates the filtered arrays each time. That was about
 * an eighth of what a PATCH allocated. The rules are fixed once the request
 * classes are loaded, so the answer is kept per class and options; a rule added
 * later (a class defined after start-up) empties the cache. class-validator
 * only reads the arrays it gets back.
 */
export function cacheValidationMetadata(storage: Storage = getMetadataStorage() as unknown as Storage): void {
  const marked = storage as Storage & { [installed]?: true };
  if (marked[installed]) return;
  marked[installed] = true;
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const add = storage.addValidationMetadata.bind(storage);
  let cache = new Map<Function, Map<string, ValidationMetadata[]>>();
  storage.addValidationMetadata = (metadata) => {
    cache = new Map();
    add(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0001') ?? ''}`;
    let perTarget = cache.get(target);
    if (!perTarget) cache.set(target, (perTarget = new Map()));
    let found = perTarget.get(key);
    if (!found) perTarget.set(key, (found = lookup(target, schema, always, strictGroups, groups)));
    return found;
  };
}
