import { IsInt, IsString, MetadataStorage, validateSync } from 'class-validator';
import { cacheValidationMetadata } from './validation-metadata-cache';

function constraintsOf(object: object): Record<string, string[]> {
  return Object.fromEntries(validateSync(object).map((error) => [error.property, Object.keys(error.constraints ?? {})]));
}

describe('cacheValidationMetadata', () => {
  it('answers a repeated look-up from the cache with what class-validator found', () => {
    const storage = new MetadataStorage();
    const uncached = new MetadataStorage();
    class Named {
      name!: string;
    }
    for (const s of [storage, uncached]) {
      s.addValidationMetadata({ target: Named, propertyName: 'name', type: 'customValidation', constraints: [] } as never);
    }
    cacheValidationMetadata(storage as never);
    const first = storage.getTargetValidationMetadatas(Named, '', true, false);
    expect(first).toEqual(uncached.getTargetValidationMetadatas(Named, '', true, false));
    expect(storage.getTargetValidationMetadatas(Named, '', true, false)).toBe(first);
    // Other options are another entry, not the cached answer.
    expect(storage.getTargetValidationMetadatas(Named, '', false, true, ['admin'])).not.toBe(first);
  });

  it('forgets what it kept when a rule is added later', () => {
    cacheValidationMetadata();
    class Parent {
      @IsString() name: unknown = 1;
      extra: unknown = 'x';
    }
    class Child extends Parent {}
    expect(constraintsOf(new Child())).toEqual({ name: ['isString'] });
    // A decorator applied after the first validation, as a class defined later would.
    IsInt()(Parent.prototype, 'extra');
    expect(constraintsOf(new Child())).toEqual({ name: ['isString'], extra: ['isInt'] });
  });

  it('is installed once, however often it is called', () => {
    const storage = new MetadataStorage();
    cacheValidationMetadata(storage as never);
    const wrapped = storage.getTargetValidationMetadatas;
    cacheValidationMetadata(storage as never);
    expect(storage.getTargetValidationMetadatas).toBe(wrapped);
  });
});
