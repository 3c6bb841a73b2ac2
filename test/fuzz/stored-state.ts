import { escape } from 'mysql2';
import { OUTBOX_DELIVERY_COLUMNS } from '../support/notifications';
import { TestApp } from '../support/test-app';

/**
 * "A refused request changed nothing", checked against MariaDB itself: every
 * table of the run's database (a table added later is covered without
 * touching this file) gets triggers that log each row written into
 * `fuzz_writes`, inside the writing transaction, so a write that is rolled
 * back leaves no entry. The stored state is then the id of the last logged
 * write, and reading it costs the same with ten rows as with a million.
 *
 * Summing a hash of every row per batch (the check before this one) cost as
 * much as all the rows accepted requests had written so far, which made
 * `npm run fuzz` (10,000 cases per endpoint) quadratic: hours, not an hour.
 *
 * An UPDATE is logged only when a column the check covers changed value; the
 * columns that move on their own, and those a refused request of some kind
 * may legitimately change (the ignore sets, declared up front because they
 * are compiled into the triggers), are left out.
 */
export class StoredState {
  private constructor(
    readonly tables: string[],
    /** The number each declared ignore set is logged under (by its sorted column list). */
    private readonly variants: ReadonlyMap<string, number>,
  ) {}

  /** Installs the triggers; `ignoreSets` are the column lists (table.column) `read` may later be asked to ignore. */
  static async of(t: TestApp, ignoreSets: ReadonlyArray<readonly string[]> = IGNORE_SETS): Promise<StoredState> {
    const rows = await t.query(
      `SELECT table_name AS t, column_name AS c FROM information_schema.columns
        WHERE table_schema = DATABASE() AND table_name <> '${LOG}' ORDER BY table_name, ordinal_position`,
    );
    const columns = new Map<string, string[]>();
    for (const { t: table, c: column } of rows) {
      if (/migrations$/i.test(table)) continue;
      if (!columns.has(table)) columns.set(table, []);
      if (!OWNED_BY_BACKGROUND[table]?.includes(column)) columns.get(table)!.push(column);
    }
    // Numbered from 1; 0 (ANY) is for inserts and deletes, a change under every ignore set.
    const ignoring = new Map<string, readonly string[]>([['', []], ...ignoreSets.map((set) => [keyOf(set), set] as const)]);
    const variants = new Map([...ignoring.keys()].map((key, i) => [key, i + 1]));

    // The variant is a number and the index holds it whole, so that the last
    // entry of a variant is one index lookup (a prefix index on a text
    // variant made every read a full scan of the log).
    await t.query(`CREATE TABLE IF NOT EXISTS ${LOG} (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      variant TINYINT UNSIGNED NOT NULL, tbl VARCHAR(64) NOT NULL, op VARCHAR(6) NOT NULL,
      KEY by_variant (variant, id)) ENGINE=InnoDB`);
    for (const [table, kept] of columns) {
      const log = (variant: number, op: string) => `INSERT INTO ${LOG} (variant, tbl, op) VALUES (${variant}, ${escape(table)}, '${op}')`;
      for (const [event, op] of [['INSERT', 'insert'], ['DELETE', 'delete']] as const) {
        await t.query(`DROP TRIGGER IF EXISTS \`${LOG}_${table}_${op}\``);
        await t.query(`CREATE TRIGGER \`${LOG}_${table}_${op}\` AFTER ${event} ON \`${table}\` FOR EACH ROW ${log(ANY, op)}`);
      }
      const checks = [...ignoring].flatMap(([key, ignore]) => {
        const watched = kept.filter((column) => !ignore.includes(`${table}.${column}`));
        if (watched.length === 0) return [];
        const unchanged = watched.map((column) => `OLD.\`${column}\` <=> NEW.\`${column}\``).join(' AND ');
        return [`IF NOT (${unchanged}) THEN ${log(variants.get(key)!, 'update')}; END IF;`];
      });
      await t.query(`DROP TRIGGER IF EXISTS \`${LOG}_${table}_update\``);
      if (checks.length > 0) await t.query(`CREATE TRIGGER \`${LOG}_${table}_update\` AFTER UPDATE ON \`${table}\` FOR EACH ROW BEGIN ${checks.join(' ')} END`);
    }
    return new StoredState([...columns.keys()], variants);
  }

  /** The stored state, as the last write a request of this kind may not make; `ignore` names columns (table.column) it may change. */
  async read(t: TestApp, ignore: readonly string[] = []): Promise<string> {
    const variant = this.variantFor(ignore);
    const [row] = await t.query(
      `SELECT GREATEST(COALESCE((SELECT MAX(id) FROM ${LOG} WHERE variant = ?), 0), COALESCE((SELECT MAX(id) FROM ${LOG} WHERE variant = ?), 0)) AS last`,
      [ANY, variant],
    );
    return `last write #${row.last}`;
  }

  /** How MariaDB reads the state: EXPLAIN's Extra column of the lookup (a test checks it is no scan). */
  async plan(t: TestApp): Promise<string> {
    const [row] = await t.query(`EXPLAIN SELECT MAX(id) FROM ${LOG} WHERE variant = ${ANY}`);
    return String(row.Extra);
  }

  /** What was written between two reads: "users: 1 update", a line per table and kind of write. */
  async changes(t: TestApp, before: string, after: string, ignore: readonly string[] = []): Promise<string> {
    const [from, to] = [before, after].map((state) => Number(/#(\d+)/.exec(state)?.[1] ?? 0));
    const rows = await t.query(
      `SELECT tbl, op, COUNT(*) AS n FROM ${LOG} WHERE id > ? AND id <= ? AND variant IN (?, ?) GROUP BY tbl, op ORDER BY tbl, op`,
      [from, to, ANY, this.variantFor(ignore)],
    );
    return rows.map((row) => `  ${row.tbl}: ${row.n} ${row.op}${Number(row.n) === 1 ? '' : 's'}`).join('\n');
  }

  private variantFor(ignore: readonly string[]): number {
    const variant = this.variants.get(keyOf(ignore));
    if (variant === undefined) throw new Error(`ignore set [${ignore.join(', ')}] was not declared to StoredState.of, so no trigger watches for it`);
    return variant;
  }
}

const LOG = 'fuzz_writes';
/** Logged for inserts and deletes: a change whatever columns are ignored. */
const ANY = 0;

function keyOf(ignore: readonly string[]): string {
  return [...ignore].sort().join(',');
}

/** Columns changed in the background, not by the request under test. */
const OWNED_BY_BACKGROUND: Record<string, readonly string[]> = { notification_outbox: OUTBOX_DELIVERY_COLUMNS };

/**
 * A wrong verification code is refused and still counted: five wrong attempts
 * invalidate the code (OWASP ASVS V2.7), so the attempt counter
 * and the invalidated hash may change under a refused verify.
 */
export function legitimateChangesOfRefused(rpc: string): string[] {
  return /^Verify(ContactEmail|ContactPhone)$/.test(rpc) ? VERIFY_MAY_CHANGE : [];
}
const VERIFY_MAY_CHANGE = ['verification_codes.failed_attempts', 'verification_codes.code_hash'];

/** Every ignore set `legitimateChangesOfRefused` hands out. */
export const IGNORE_SETS: ReadonlyArray<readonly string[]> = [VERIFY_MAY_CHANGE];
