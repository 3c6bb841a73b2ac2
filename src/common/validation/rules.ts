import { Exclude, Transform } from 'class-transformer';
import { ValidateBy, ValidationArguments, ValidationOptions } from 'class-validator';

/** Length in runes (code points), as protoc-gen-validate counts, not UTF-16 units. */
export function Runes(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'runes',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const length = [...value].length;
          return length >= min && length <= max;
        },
        defaultMessage: (args?: ValidationArguments) =>
          typeof args?.value !== 'string'
            ? 'value must be a string'
            : min === 0
              ? `value length must be at most ${max} runes`
              : `value length must be between ${min} and ${max} runes, inclusive`,
      },
    },
    options,
  );
}

/**
 * A uint64 as protojson accepts it: a JSON number or a decimal string.
 * Normalised to a number (the values used here, offsets, stay far below 2^53).
 */
export function Uint64(options?: ValidationOptions): PropertyDecorator {
  return composeNumber('uint64', Number.MAX_SAFE_INTEGER, options);
}

/** A uint32 as protojson accepts it: a JSON number or a decimal string. */
export function Uint32(options?: ValidationOptions): PropertyDecorator {
  return composeNumber('uint32', 0xffffffff, options);
}

function composeNumber(name: string, max: number, options?: ValidationOptions): PropertyDecorator {
  const toNumber = Transform(({ value }) => (typeof value === 'string' && /^\d{1,20}$/.test(value) ? Number(value) : value));
  const check = ValidateBy(
    {
      name,
      validator: {
        validate: (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max,
        defaultMessage: () => `value must be a ${name} (a non-negative integer, as a number or a decimal string)`,
      },
    },
    options,
  );
  return (target, key) => {
    toNumber(target, key);
    check(target, key);
  };
}

/**
 * Member of a protobuf oneof: at most one member of the group may be set.
 * Put it on every member with the same group and member list.
 */
export function OneOf(group: string, members: string[], options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'oneof',
      constraints: [group, members],
      validator: {
        validate: (_value: unknown, args?: ValidationArguments) => {
          const object = args?.object as Record<string, unknown>;
          return members.filter((m) => object[m] !== undefined && object[m] !== null).length <= 1;
        },
        defaultMessage: () => `only one of ${members.join(', ')} may be set (oneof ${group})`,
      },
    },
    options,
  );
}

/** Properties marked @KeepRaw(), by the class that declares them. */
const RAW_PROPERTIES = new Map<Function, string[]>();

/**
 * A google.protobuf.Struct (user data, a JSON schema): kept as the raw JSON
 * object. class-transformer never walks it: it costs a copy per value and
 * time quadratic in an object's key count (its key de-duplication), which made
 * a 1 MiB `data` half a second of event loop. validateRequest puts the raw
 * value in place before validation (restoreRawProperties).
 */
export function KeepRaw(): PropertyDecorator {
  const exclude = Exclude({ toClassOnly: true });
  return (target, key) => {
    exclude(target, key);
    const owner = target.constructor;
    RAW_PROPERTIES.set(owner, [...(RAW_PROPERTIES.get(owner) ?? []), String(key)]);
  };
}

function rawPropertiesOf(type: Function): string[] {
  const found: string[] = [];
  for (let current: Function | null = type; current && current !== Object; current = Object.getPrototypeOf(current) as Function | null) {
    found.push(...(RAW_PROPERTIES.get(current) ?? []));
  }
  return found;
}

/**
 * Copies the @KeepRaw() properties from the plain request into the instance
 * class-transformer made of it, at every level: the instance mirrors the
 * plain request's shape, so both are walked side by side (the raw values
 * themselves are not walked).
 */
export function restoreRawProperties(instance: unknown, plain: unknown): void {
  const stack: Array<[unknown, unknown]> = [[instance, plain]];
  while (stack.length > 0) {
    const [target, source] = stack.pop()!;
    if (target === null || typeof target !== 'object' || source === null || typeof source !== 'object') continue;
    if (Array.isArray(target)) {
      if (Array.isArray(source)) target.forEach((item, i) => stack.push([item, source[i]]));
      continue;
    }
    const raw = rawPropertiesOf(target.constructor);
    for (const key of raw) {
      if (Object.prototype.hasOwnProperty.call(source, key)) (target as Record<string, unknown>)[key] = (source as Record<string, unknown>)[key];
    }
    for (const [key, value] of Object.entries(target)) {
      if (!raw.includes(key)) stack.push([value, (source as Record<string, unknown>)[key]]);
    }
  }
}

/** An empty protobuf message (`{}`), e.g. ReturnEmailVerificationCode. */
export function IsEmptyMessage(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'emptyMessage',
      validator: {
        validate: (value: unknown) =>
          value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0,
        defaultMessage: () => 'value must be an empty object {}',
      },
    },
    options,
  );
}
