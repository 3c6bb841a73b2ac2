import { Injectable } from '@nestjs/common';
import { truncateText } from '../../common/text/truncate';
import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import type { DataValidateFunction, SchemaValidateFunction } from 'ajv/dist/types';
import addFormats from 'ajv-formats';
import { failedPrecondition, invalidArgument } from '../../common/errors/zitadel-error';
import { canonicalJson, jsonDepth } from '../../common/json/json-limits';
import { escapePointer, inventorySchema } from './schema-inventory';
import { isUrl, linearRegExp, patternProblem } from './schema-regexp';

/** Who writes a user's data: the user itself, or an administrator with user.write (ZITADEL's schema roles). */
export type WriterRole = 'owner' | 'self';

/** ZITADEL's extension keyword: which role may read (`r`) and write (`w`) a property. */
export const PERMISSION_KEYWORD = 'urn:zitadel:schema:permission';
/** ZITADEL's meta-schema id; here an alias of draft 2020-12 that knows PERMISSION_KEYWORD. */
export const ZITADEL_META_SCHEMA = 'urn:zitadel:schema:v1';
const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/** Limits on a schema document and on user data: beyond them recursive validation gets expensive. */
export const MAX_JSON_DEPTH = 64;
export const MAX_JSON_BYTES = 256 * 1024;
/**
 * Subschemas in one user schema (every property, list entry, $defs entry…).
 * Compile time grows faster than their number, and near 1,600 sibling
 * properties the validator ajv generates no longer fits V8's stack.
 */
export const MAX_SUBSCHEMAS = 500;

const PERMISSION_META_SCHEMA = {
  type: 'object',
  properties: { owner: { type: 'string', pattern: '^[rw]*$' }, self: { type: 'string', pattern: '^[rw]*$' } },
  additionalProperties: false,
};

/** A compiled schema revision: the first violation of data written by a role, as "<JSON path>: <reason>". */
export type DataValidator = (role: WriterRole, data: unknown) => string | undefined;

/** What ajv passes to the permission keyword (its `passContext` option): the writer's role. */
interface WriteContext {
  role: WriterRole;
}

/**
 * Compiles user schemas (JSON Schema draft 2020-12) with ajv and validates
 * user data against them for a writer role. A revision compiles once: the
 * writer's role reaches the permission keyword at validation time, and
 * validators are cached per schema id and revision (a revision never changes
 * its content). The schemas' service hands over what it compiled at create and
 * patch, so user writes do not compile.
 */
@Injectable()
export class SchemaCompiler {
  private static readonly CACHE_SIZE = 256;
  private readonly ajv = new Isolated();
  private readonly cache = new Map<string, DataValidator>();

  /**
   * Checks a schema document and compiles it. Throws InvalidArgument
   * COMMA-W21tg unless it compiles within the limits and every pattern is one
   * RE2 runs (the message names the pattern's JSON pointer).
   */
  compile(schema: Record<string, unknown>): DataValidator {
    const size = Buffer.byteLength(JSON.stringify(schema), 'utf8');
    if (size > MAX_JSON_BYTES) throw invalidSchema(`the schema is larger than ${MAX_JSON_BYTES} bytes`);
    if (jsonDepth(schema, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw invalidSchema(`the schema nests deeper than ${MAX_JSON_DEPTH} levels`);
    const inventory = inventorySchema(schema);
    if (inventory.subschemas > MAX_SUBSCHEMAS) throw invalidSchema(`the schema has more than ${MAX_SUBSCHEMAS} subschemas`);
    for (const { pointer, pattern } of inventory.patterns) {
      const problem = patternProblem(pattern);
      if (problem) throw invalidSchema(`the pattern at ${pointer} ${problem}`);
    }
    return describe(this.ajv.compile(schema));
  }

  /** Keeps a revision's validator (from compile()) for the user writes that follow. */
  remember(id: string, revision: number, validator: DataValidator): void {
    const key = cacheKey(id, revision);
    this.cache.delete(key);
    this.cache.set(key, validator);
    if (this.cache.size > SchemaCompiler.CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
  }

  /** Whether a revision's validator is in the cache, so that assertValidData needs no document. */
  isCompiled(id: string, revision: number): boolean {
    return this.cache.has(cacheKey(id, revision));
  }

  /**
   * Validates data against a schema revision for the writer's role. Throws
   * FailedPrecondition COMMAND-SlKXqLSeL6 naming the first failing JSON path.
   * `document` may be left out only for a revision isCompiled() just confirmed.
   */
  assertValidData(schema: { id: string; revision: number; document?: Record<string, unknown> }, role: WriterRole, data: unknown): void {
    const key = cacheKey(schema.id, schema.revision);
    let validate = this.cache.get(key);
    if (!validate) {
      if (!schema.document) throw new Error(`schema ${key} is not compiled and no document was given`);
      validate = this.compile(schema.document);
    }
    // Refreshes its place too: the cache drops the least recently used first.
    this.remember(schema.id, schema.revision, validate);
    const violation = validate(role, data);
    if (violation) throw failedPrecondition('COMMAND-SlKXqLSeL6', `user data does not match the schema: ${violation}`);
  }
}

function cacheKey(id: string, revision: number): string {
  return `${id}:${revision}`;
}

/**
 * One ajv instance that compiles schemas without remembering them: a schema
 * (or a subschema) with an `$id` would otherwise stay registered, make a
 * second compile of the same revision fail and let other schemas `$ref` it,
 * so validity would depend on what the process compiled before.
 */
class Isolated {
  private readonly ajv: Ajv2020;
  private readonly baseRefs: Set<string>;
  private readonly baseSchemas: Set<string>;

  constructor() {
    this.ajv = new Ajv2020({
      // Unknown keywords and formats are errors (a typo must not silently
      // accept everything); type-strictness would refuse valid schemas.
      strict: true,
      strictTypes: false,
      strictTuples: false,
      strictRequired: false,
      allowUnionTypes: true,
      allErrors: false,
      addUsedSchema: false,
      // No remote $refs: a schema can only refer to itself and the meta-schemas.
      loadSchema: undefined,
      // Patterns meet end users' data: a linear-time engine (schema-regexp.ts).
      code: { regExp: linearRegExp },
      // The permission keyword reads the writer's role from the validation context.
      passContext: true,
      // Compile errors become COMMA-W21tg; ajv would also print the generated code to the console.
      logger: false,
    });
    addFormats(this.ajv);
    this.ajv.addFormat('url', { type: 'string', validate: isUrl });
    // ajv compares every pair of items, in time quadratic in the array's length (8,000
    // one-element arrays held the event loop for 2 s); this compares canonical JSON texts.
    this.ajv.removeKeyword('uniqueItems');
    this.ajv.addKeyword({ keyword: 'uniqueItems', type: 'array', schemaType: 'boolean', errors: true, validate: uniqueItems });
    this.ajv.addMetaSchema({ $id: ZITADEL_META_SCHEMA, $ref: DRAFT_2020_12 });
    this.ajv.addKeyword({
      keyword: PERMISSION_KEYWORD,
      metaSchema: PERMISSION_META_SCHEMA,
      errors: true,
      compile: (permission: { owner?: string; self?: string }) => {
        const writers = new Set(WRITER_ROLES.filter((role) => (permission[role] ?? '').includes('w')));
        const check: DataValidateFunction = function (this: WriteContext | undefined) {
          if (this?.role && writers.has(this.role)) return true;
          check.errors = [{ keyword: PERMISSION_KEYWORD, message: 'missing required permission', params: {} }];
          return false;
        };
        return check;
      },
    });
    this.baseRefs = new Set(Object.keys(this.ajv.refs));
    this.baseSchemas = new Set(Object.keys(this.ajv.schemas));
  }

  compile(schema: Record<string, unknown>): ValidateFunction {
    // A private copy: ajv keys its cache by object identity.
    const copy = structuredClone(schema);
    try {
      const validate = this.ajv.compile(copy);
      if ((validate as { $async?: boolean }).$async) throw new Error('"$async" schemas are not supported');
      return validate;
    } catch (error) {
      throw invalidSchema(truncateText(String((error as Error)?.message ?? error), 300));
    } finally {
      this.ajv.removeSchema(copy);
      for (const ref of Object.keys(this.ajv.refs)) if (!this.baseRefs.has(ref)) delete this.ajv.refs[ref];
      for (const id of Object.keys(this.ajv.schemas)) if (!this.baseSchemas.has(id)) delete this.ajv.schemas[id];
    }
  }
}

const WRITER_ROLES: readonly WriterRole[] = ['owner', 'self'];

const uniqueItems: SchemaValidateFunction = function (unique: boolean, items: unknown[]) {
  if (!unique) return true;
  const seen = new Map<string, number>();
  for (let index = 0; index < items.length; index++) {
    const text = canonicalJson(items[index]);
    const earlier = seen.get(text);
    if (earlier !== undefined) {
      uniqueItems.errors = [{ keyword: 'uniqueItems', message: `must NOT have duplicate items (items ## ${index} and ${earlier} are identical)`, params: { i: index, j: earlier } }];
      return false;
    }
    seen.set(text, index);
  }
  return true;
};

/** A validator that answers with the first violation as "<JSON path>: <reason>". */
function describe(validate: ValidateFunction): DataValidator {
  return (role, data) => {
    const context: WriteContext = { role };
    if (validate.call(context, data)) return undefined;
    const error = validate.errors?.[0];
    if (!error) return '/: invalid';
    let path = error.instancePath || '';
    if (error.keyword === 'required') path += `/${escapePointer(String(error.params.missingProperty))}`;
    if (error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties') {
      path += `/${escapePointer(String(error.params.additionalProperty ?? error.params.unevaluatedProperty))}`;
    }
    const reason = error.keyword === 'required' ? 'is required' : (error.message ?? 'is invalid');
    return `${path || '/'}: ${reason}`;
  };
}

function invalidSchema(reason: string) {
  return invalidArgument('COMMA-W21tg', `the user schema is not a valid JSON Schema: ${reason}`);
}
