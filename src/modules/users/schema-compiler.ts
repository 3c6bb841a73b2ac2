import { Injectable } from '@nestjs/common';
import { truncateText } from '../../common/text/truncate';
import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import type { DataValidateFunction } from 'ajv/dist/types';
import addFormats from 'ajv-formats';
import { failedPrecondition, invalidArgument } from '../../common/errors/zitadel-error';
import { jsonDepth } from '../../common/json/json-limits';

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

const PERMISSION_META_SCHEMA = {
  type: 'object',
  properties: { owner: { type: 'string', pattern: '^[rw]*$' }, self: { type: 'string', pattern: '^[rw]*$' } },
  additionalProperties: false,
};

type DataValidator = (data: unknown) => string | undefined;

/**
 * Compiles user schemas (JSON Schema draft 2020-12) with ajv and validates
 * user data against them for a writer role. One ajv instance per role, because
 * the permission keyword compiles to a check of that role's `w`; compiled
 * validators are cached per schema id, revision and role (a revision never
 * changes its content).
 */
@Injectable()
export class SchemaCompiler {
  private static readonly CACHE_SIZE = 256;
  private readonly ajv: Record<WriterRole, Isolated>;
  private readonly cache = new Map<string, DataValidator>();

  constructor() {
    this.ajv = { owner: new Isolated('owner'), self: new Isolated('self') };
  }

  /** Throws InvalidArgument COMMA-W21tg unless the schema compiles. */
  assertValidSchema(schema: Record<string, unknown>): void {
    const size = Buffer.byteLength(JSON.stringify(schema), 'utf8');
    if (size > MAX_JSON_BYTES) throw invalidSchema(`the schema is larger than ${MAX_JSON_BYTES} bytes`);
    if (jsonDepth(schema, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw invalidSchema(`the schema nests deeper than ${MAX_JSON_DEPTH} levels`);
    this.ajv.owner.compile(schema);
  }

  /**
   * Validates data against a schema revision for the writer's role. Throws
   * FailedPrecondition COMMAND-SlKXqLSeL6 naming the first failing JSON path.
   */
  /** Whether a revision's validator for a role is in the cache, so that assertValidData needs no document. */
  isCompiled(id: string, revision: number, role: WriterRole): boolean {
    return this.cache.has(`${id}:${revision}:${role}`);
  }

  /** `document` may be left out only for a revision isCompiled() just confirmed. */
  assertValidData(schema: { id: string; revision: number; document?: Record<string, unknown> }, role: WriterRole, data: unknown): void {
    const key = `${schema.id}:${schema.revision}:${role}`;
    let validate = this.cache.get(key);
    if (validate) {
      // Refresh its place: the cache drops the least recently used first.
      this.cache.delete(key);
    } else {
      if (!schema.document) throw new Error(`schema ${key} is not compiled and no document was given`);
      validate = describe(this.ajv[role].compile(schema.document));
    }
    this.cache.set(key, validate);
    if (this.cache.size > SchemaCompiler.CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    const violation = validate(data);
    if (violation) throw failedPrecondition('COMMAND-SlKXqLSeL6', `user data does not match the schema: ${violation}`);
  }
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

  constructor(role: WriterRole) {
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
    });
    addFormats(this.ajv);
    this.ajv.addMetaSchema({ $id: ZITADEL_META_SCHEMA, $ref: DRAFT_2020_12 });
    this.ajv.addKeyword({
      keyword: PERMISSION_KEYWORD,
      metaSchema: PERMISSION_META_SCHEMA,
      errors: true,
      compile: (permission: { owner?: string; self?: string }) => {
        const writable = (permission[role] ?? '').includes('w');
        const check: DataValidateFunction = () => {
          if (writable) return true;
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

/** A validator that answers with the first violation as "<JSON path>: <reason>". */
function describe(validate: ValidateFunction): DataValidator {
  return (data) => {
    if (validate(data)) return undefined;
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

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function invalidSchema(reason: string) {
  return invalidArgument('COMMA-W21tg', `the user schema is not a valid JSON Schema: ${reason}`);
}
