/**
 * What a user schema holds, read without recursion: how many subschemas it
 * has (compile time and the size of the validator ajv generates grow with
 * them) and every regular expression it will run on user data, each with its
 * JSON pointer. Only keyword positions count: a property named "pattern" is
 * not a pattern, and values of const/enum/default/examples are data.
 */

export interface PatternSite {
  /** JSON pointer of the pattern: `/properties/phone/pattern`, or a patternProperties key's own pointer. */
  pointer: string;
  pattern: string;
}

export interface SchemaInventory {
  subschemas: number;
  patterns: PatternSite[];
}

const ONE_SCHEMA = [
  'not', 'if', 'then', 'else', 'contains', 'items', 'additionalItems', 'additionalProperties',
  'unevaluatedProperties', 'unevaluatedItems', 'propertyNames', 'contentSchema',
];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'];
const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependencies'];

export function inventorySchema(root: unknown): SchemaInventory {
  const inventory: SchemaInventory = { subschemas: 0, patterns: [] };
  const pending: Array<[unknown, string]> = [[root, '']];
  while (pending.length > 0) {
    const [schema, pointer] = pending.pop()!;
    if (typeof schema === 'boolean') inventory.subschemas += 1;
    if (!isObject(schema)) continue;
    inventory.subschemas += 1;
    if (typeof schema.pattern === 'string') inventory.patterns.push({ pointer: `${pointer}/pattern`, pattern: schema.pattern });
    if (isObject(schema.patternProperties)) {
      for (const key of Object.keys(schema.patternProperties)) {
        inventory.patterns.push({ pointer: `${pointer}/patternProperties/${escapePointer(key)}`, pattern: key });
      }
    }
    for (const keyword of ONE_SCHEMA) {
      const child = schema[keyword];
      if (isObject(child) || typeof child === 'boolean') pending.push([child, `${pointer}/${keyword}`]);
    }
    for (const keyword of SCHEMA_LISTS) {
      const list = schema[keyword];
      if (Array.isArray(list)) list.forEach((child, index) => pending.push([child, `${pointer}/${keyword}/${index}`]));
    }
    for (const keyword of SCHEMA_MAPS) {
      const map = schema[keyword];
      if (!isObject(map)) continue;
      // `dependencies` may also map to a list of property names: those are not schemas.
      for (const [key, child] of Object.entries(map)) pending.push([child, `${pointer}/${keyword}/${escapePointer(key)}`]);
    }
  }
  return inventory;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
