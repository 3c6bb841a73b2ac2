import { EntityManager } from 'typeorm';
import { TextFilterMethod } from '../dto/resource-details.dto';

/**
 * Builds WHERE fragments for ZITADEL's search filters with named parameters.
 * One builder per query: it hands out unique parameter names.
 */
export class SqlFilterBuilder {
  readonly params: Record<string, unknown> = {};
  private next = 0;
  private readonly sqlite: boolean;

  constructor(em: EntityManager) {
    const type: string = em.connection.options.type;
    this.sqlite = type === 'better-sqlite3' || type === 'sqlite';
  }

  param(value: unknown): string {
    const name = `f${this.next++}`;
    this.params[name] = value;
    return `:${name}`;
  }

  and(parts: string[]): string {
    return parts.length === 0 ? '1=1' : `(${parts.join(' AND ')})`;
  }

  or(parts: string[]): string {
    return parts.length === 0 ? '1=0' : `(${parts.join(' OR ')})`;
  }

  not(part: string): string {
    return `NOT ${part}`;
  }

  /**
   * ZITADEL's TextFilterMethod on a column. The table collation is
   * case- and accent-insensitive, so the case-sensitive methods compare
   * binary and the IGNORE_CASE ones compare lower-cased binary (ZITADEL
   * lower-cases too; accents still count). NULL counts as '' so that a NOT
   * around the filter still matches rows without a value.
   */
  text(column: string, method: TextFilterMethod | undefined, value: string): string {
    const col = `COALESCE(${column}, '')`;
    const ignoreCase = method === 'TEXT_FILTER_METHOD_EQUALS_IGNORE_CASE' || method === 'TEXT_FILTER_METHOD_STARTS_WITH_IGNORE_CASE';
    const subject = ignoreCase ? `LOWER(${col})` : col;
    const needle = ignoreCase ? value.toLowerCase() : value;
    if (this.sqlite) {
      // SQLite compares binary with = and instr(); LIKE would ignore ASCII case.
      const p = this.param(needle);
      switch (method ?? 'TEXT_FILTER_METHOD_EQUALS') {
        case 'TEXT_FILTER_METHOD_STARTS_WITH':
        case 'TEXT_FILTER_METHOD_STARTS_WITH_IGNORE_CASE':
          return `substr(${subject}, 1, length(${p})) = ${p}`;
        case 'TEXT_FILTER_METHOD_CONTAINS':
          return `instr(${subject}, ${p}) > 0`;
        default:
          return `${subject} = ${p}`;
      }
    }
    const binary = `${subject} COLLATE utf8mb4_bin`;
    switch (method ?? 'TEXT_FILTER_METHOD_EQUALS') {
      case 'TEXT_FILTER_METHOD_STARTS_WITH':
      case 'TEXT_FILTER_METHOD_STARTS_WITH_IGNORE_CASE':
        return `${binary} LIKE ${this.param(escapeLike(needle) + '%')} ESCAPE '!'`;
      case 'TEXT_FILTER_METHOD_CONTAINS':
        return `${binary} LIKE ${this.param('%' + escapeLike(needle) + '%')} ESCAPE '!'`;
      default:
        return `${binary} = ${this.param(needle)}`;
    }
  }
}

function escapeLike(value: string): string {
  return value.replace(/[!%_]/g, (c) => `!${c}`);
}
