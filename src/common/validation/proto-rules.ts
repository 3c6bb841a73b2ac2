import { Transform } from 'class-transformer';
import { ValidateBy, ValidationArguments, ValidationOptions } from 'class-validator';

/**
 * More protoc-gen-validate / protojson rules for request classes (beside
 * rules.ts): enums, booleans from query strings, required oneofs.
 */

/**
 * A protobuf enum as protojson accepts it: the value name or its number (a JSON
 * number, or a decimal string from a query string). Normalised to the name.
 * `names` lists the values in number order (ZITADEL's enums here are dense
 * from 0). `defined_only` is always applied; `notZero` refuses the
 * UNSPECIFIED value too.
 */
export function ProtoEnum(names: readonly string[], rules: { notZero?: boolean } = {}, options?: ValidationOptions): PropertyDecorator {
  const toName = (value: unknown): unknown => {
    const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : undefined;
    return number !== undefined && Number.isInteger(number) && number >= 0 && number < names.length ? names[number] : value;
  };
  const normalise = Transform(({ value }) => (Array.isArray(value) && options?.each ? value.map(toName) : toName(value)));
  const check = ValidateBy(
    {
      name: 'protoEnum',
      constraints: [names],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && names.includes(value) && !(rules.notZero && value === names[0]),
        defaultMessage: () => `value must be one of the defined enum values${rules.notZero ? ' other than ' + names[0] : ''}`,
      },
    },
    options,
  );
  return (target, key) => {
    normalise(target, key);
    check(target, key);
  };
}

const TRUE = new Set(['true', 'True', 'TRUE', 't', 'T', '1']);
const FALSE = new Set(['false', 'False', 'FALSE', 'f', 'F', '0']);

/** A bool; from a query string also the spellings Go's strconv.ParseBool accepts. */
export function ProtoBool(options?: ValidationOptions): PropertyDecorator {
  const normalise = Transform(({ value }) => (typeof value === 'string' && TRUE.has(value) ? true : typeof value === 'string' && FALSE.has(value) ? false : value));
  const check = ValidateBy(
    {
      name: 'protoBool',
      validator: {
        validate: (value: unknown) => typeof value === 'boolean',
        defaultMessage: () => 'value must be a boolean',
      },
    },
    options,
  );
  return (target, key) => {
    normalise(target, key);
    check(target, key);
  };
}

/**
 * A required oneof. Put it on a property named like the oneof that the message
 * itself never carries (class-validator checks every decorated property, set
 * or not), e.g. `@ExactlyOneOf(['orFilter', …]) readonly filter?: never;`.
 * Errors then read "invalid SearchUsersRequest.Filters[0].Filter: …".
 */
export function ExactlyOneOf(members: string[], options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'exactlyOneOf',
      constraints: [members],
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => {
          if (value !== undefined) return false;
          const object = args?.object as Record<string, unknown>;
          return members.filter((m) => object[m] !== undefined && object[m] !== null).length === 1;
        },
        defaultMessage: (args?: ValidationArguments) =>
          args?.value !== undefined ? 'unknown field' : `exactly one of ${members.join(', ')} must be set`,
      },
    },
    options,
  );
}
