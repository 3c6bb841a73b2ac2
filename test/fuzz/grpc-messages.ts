import { DescField, DescMessage, DescOneof, ScalarType, create, toBinary } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { anyJson, nastyString, nested } from './arbitraries';

/**
 * Request bytes for an RPC, from its descriptor: mostly well-formed protobuf
 * carrying wrong, missing, over-long and huge values (every field optional,
 * enums out of range, Structs deep and wide), and a share of malformed
 * protobuf (random bytes, truncated or corrupted encodings, bad wire types,
 * lengths past the end, invalid UTF-8, a message past the 4 MiB limit).
 */
export function requestBytes(input: DescMessage, knownIds: readonly string[]): fc.Arbitrary<Uint8Array> {
  const valid = messageValue(input, knownIds, 0).map((init) => encode(input, init));
  return fc.oneof({ weight: 7, arbitrary: valid }, { weight: 3, arbitrary: malformed(valid) });
}

function encode(schema: DescMessage, init: Record<string, unknown>): Uint8Array {
  return toBinary(schema, create(schema, init as never));
}

const MAX_DEPTH = 4;

function messageValue(schema: DescMessage, knownIds: readonly string[], depth: number): fc.Arbitrary<Record<string, unknown>> {
  const members: Record<string, fc.Arbitrary<unknown>> = {};
  for (const member of schema.members) {
    if (member.kind === 'oneof') members[member.localName] = oneofValue(member, knownIds, depth);
    else members[member.localName] = fieldValue(member, knownIds, depth);
  }
  return fc.record(members, { requiredKeys: [] }) as fc.Arbitrary<Record<string, unknown>>;
}

function oneofValue(oneof: DescOneof, knownIds: readonly string[], depth: number): fc.Arbitrary<unknown> {
  return fc.oneof(...oneof.fields.map((field) => singleValue(field, knownIds, depth).map((value) => ({ case: field.localName, value }))));
}

function fieldValue(field: DescField, knownIds: readonly string[], depth: number): fc.Arbitrary<unknown> {
  if (field.fieldKind === 'list') return fc.array(singleValue(field, knownIds, depth), { maxLength: 3 });
  if (field.fieldKind === 'map') return fc.dictionary(fc.string({ maxLength: 10 }), singleValue(field, knownIds, depth), { maxKeys: 3 });
  return singleValue(field, knownIds, depth);
}

/** One value of the field's element type (scalar, enum or message). */
function singleValue(field: DescField, knownIds: readonly string[], depth: number): fc.Arbitrary<unknown> {
  const kind = field.fieldKind === 'list' ? field.listKind : field.fieldKind === 'map' ? field.mapKind : field.fieldKind;
  if (kind === 'scalar') return scalarValue((field as { scalar: ScalarType }).scalar, field.localName, knownIds);
  if (kind === 'enum') {
    const values = (field as { enum: { values: Array<{ number: number }> } }).enum.values.map((v) => v.number);
    return fc.oneof(fc.constantFrom(...values), fc.integer({ min: -5, max: 1_000_000 }));
  }
  const message = (field as { message: DescMessage }).message;
  switch (message.typeName) {
    case 'google.protobuf.Struct':
      return structValue;
    case 'google.protobuf.Value':
      return anyJson.map((value) => (value === undefined ? null : value));
    case 'google.protobuf.ListValue':
      return fc.array(anyJson.map((value) => (value === undefined ? null : value)), { maxLength: 4 });
    default:
      if (depth >= MAX_DEPTH) return fc.constant(create(message));
      return messageValue(message, knownIds, depth + 1);
  }
}

/** A Struct: plausible user data, wrong types, or deeper and wider than any request may be. */
const structValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ name: nastyString, age: anyJson, tags: fc.array(anyJson, { maxLength: 3 }) }, { requiredKeys: [] }) },
  { weight: 2, arbitrary: fc.dictionary(nastyString, anyJson, { maxKeys: 4 }) },
  // Deep, but not so deep that this client's own encoder overflows.
  { weight: 1, arbitrary: fc.integer({ min: 60, max: 1500 }).map((depth) => ({ name: 'x', extra: nested(depth, 'object') })) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))) },
);

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const UINT32 = { min: 0, max: 2 ** 32 - 1 };

function scalarValue(type: ScalarType, name: string, knownIds: readonly string[]): fc.Arbitrary<unknown> {
  switch (type) {
    case ScalarType.STRING:
      return /id$/i.test(name) && knownIds.length > 0 ? fc.oneof(fc.constantFrom(...knownIds), nastyString) : nastyString;
    case ScalarType.BYTES:
      return fc.uint8Array({ maxLength: 64 });
    case ScalarType.BOOL:
      return fc.boolean();
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return fc.double();
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return fc.oneof(fc.integer(INT32), fc.constantFrom(0, -1, INT32.max, INT32.min));
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return fc.oneof(fc.integer(UINT32), fc.constantFrom(0, UINT32.max));
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom(0n, 1n, 2n ** 64n - 1n, 2n ** 63n));
    default:
      return fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.constantFrom(0n, -1n, 2n ** 63n - 1n, -(2n ** 63n)));
  }
}

/** Bytes no protobuf encoder produces for this message. */
function malformed(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  const bytes = (...values: number[]) => Uint8Array.from(values);
  return fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 300 }),
    // Cut off in the middle of a field.
    fc.tuple(valid, fc.nat()).filter(([b]) => b.length > 1).map(([b, cut]) => b.slice(0, 1 + (cut % (b.length - 1)))),
    // One byte corrupted.
    fc.tuple(valid, fc.nat(), fc.integer({ min: 1, max: 255 })).filter(([b]) => b.length > 0).map(([b, at, xor]) => {
      const copy = Uint8Array.from(b);
      copy[at % copy.length] ^= xor;
      return copy;
    }),
    // Valid, then garbage.
    fc.tuple(valid, fc.uint8Array({ minLength: 1, maxLength: 20 })).map(([b, tail]) => Uint8Array.from([...b, ...tail])),
    fc.constantFrom(
      bytes(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f), // field 1, a length of 4 GiB
      bytes(0x0a, 0x05, 0x61), // a length past the end
      bytes(0x08), // a varint cut off
      bytes(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), // an 11-byte varint
      bytes(0x0a, 0x02, 0xc3, 0x28), // field 1 as invalid UTF-8
      bytes(0x0f), // wire type 7
      bytes(0x00, 0x00), // field number 0
      bytes(0x0c), // an end-group without a start
      Uint8Array.from({ length: 20_000 }, () => 0x0b), // 20,000 nested start-groups
      new Uint8Array(5 * 1024 * 1024).fill(0x00), // past the 4 MiB message limit
    ),
  );
}
