import { OUTBOX_DELIVERY_COLUMNS } from './notifications';
import { TestApp } from './test-app';

export const USERS = '/resources/v3alpha/users';
export const SCHEMAS = '/resources/v3alpha/user_schemas';
export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6}|\.\d{9})?Z$/;

/** A schema like ZITADEL's example: `note` is writable by owners only, `badge` by the user only. */
export const PERSON_SCHEMA = {
  $schema: 'urn:zitadel:schema:v1',
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    age: { type: 'integer', minimum: 0 },
    note: { type: 'string', 'urn:zitadel:schema:permission': { owner: 'rw', self: 'r' } },
    badge: { type: 'string', 'urn:zitadel:schema:permission': { owner: 'r', self: 'rw' } },
    tags: { type: 'array', items: { type: 'string' } },
    extra: { type: 'object' },
  },
  required: ['name'],
};

export async function createSchema(t: TestApp, token: string, type = 'person', schema: Record<string, unknown> = PERSON_SCHEMA): Promise<string> {
  const response = await t.request('POST', SCHEMAS, { token, body: { type, schema } });
  if (response.status !== 201) throw new Error(`schema creation failed: ${response.status} ${response.text}`);
  return response.body.details.id;
}

export async function createUser(
  t: TestApp,
  token: string,
  user: Record<string, unknown>,
  org = 'org-1',
): Promise<{ id: string; body: Record<string, any> }> {
  const query = org ? `?organization.orgId=${encodeURIComponent(org)}` : '';
  const response = await t.request('POST', `${USERS}${query}`, { token, body: user });
  if (response.status !== 201) throw new Error(`user creation failed: ${response.status} ${response.text}`);
  return { id: response.body.details.id, body: response.body };
}

export async function userRow(t: TestApp, id: string): Promise<Record<string, any>> {
  const [row] = await t.query('SELECT * FROM users WHERE id = ?', [id]);
  return { ...row, sequence: Number(row?.sequence), data: row ? json(row.data) : undefined };
}

/** Everything stored about users, codes and notifications, for "nothing changed" checks. */
export async function snapshot(t: TestApp): Promise<string> {
  const selects = [
    'SELECT * FROM users ORDER BY 1, 2',
    'SELECT * FROM verification_codes ORDER BY 1, 2',
    'SELECT * FROM notification_outbox ORDER BY 1',
    'SELECT * FROM change_log ORDER BY 1, 2',
    'SELECT * FROM user_schemas ORDER BY 1, 2',
  ];
  const parts: string[] = [];
  for (const select of selects) {
    const rows: Array<Record<string, unknown>> = await t.query(select);
    // What delivery changes in the background is not what a request wrote.
    const written = select.includes('notification_outbox')
      ? rows.map((row) => Object.fromEntries(Object.entries(row).filter(([column]) => !OUTBOX_DELIVERY_COLUMNS.includes(column))))
      : rows;
    parts.push(JSON.stringify(written));
  }
  return parts.join('\n');
}

/** A JSON column as the test pool hands it over (parsed or text). */
export function json(value: unknown): any {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** A DATETIME column as the test's reader hands it over: a Date from MySQL, UTC text ('YYYY-MM-DD HH:MM:SS.SSS') from SQLite. */
export function dbDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'string') return new Date(`${value.replace(' ', 'T')}Z`);
  throw new Error(`not a stored date: ${String(value)}`);
}
