import fc from 'fast-check';
import { TestApp } from '../support/test-app';
import { createSchema, createUser } from '../support/users-fixture';
import { StoredState } from './stored-state';

/** Real resources for the fuzzed ids to hit now and then, so that more than "not found" is exercised. */
export interface Fixtures {
  schemaId: string;
  userId: string;
  smsProviderIds: string[];
  /** Authorization header values by kind (undefined: no header). */
  authorizations: Record<AuthKind, string | undefined>;
}

export type AuthKind = 'none' | 'garbage' | 'notBearer' | 'expired' | 'unknownKey' | 'otherIssuer' | 'noScope' | 'viewer' | 'orgManager' | 'self' | 'owner';

/** Mostly an IAM_OWNER, so that bodies reach validation; every kind of refusal too. */
export const authKinds: fc.Arbitrary<AuthKind> = fc.oneof(
  { weight: 12, arbitrary: fc.constant<AuthKind>('owner') },
  { weight: 1, arbitrary: fc.constant<AuthKind>('orgManager') },
  { weight: 1, arbitrary: fc.constant<AuthKind>('self') },
  { weight: 1, arbitrary: fc.constant<AuthKind>('viewer') },
  { weight: 3, arbitrary: fc.constantFrom<AuthKind>('none', 'garbage', 'notBearer', 'expired', 'unknownKey', 'otherIssuer', 'noScope') },
);

/**
 * Nothing the app sends may leave the machine: Twilio and SMTP point at a
 * closed local port, and so do the HTTP SMS provider endpoints of the fuzz
 * cases, which loopback must therefore be allowed for.
 */
export const OFFLINE_ENV = { TWILIO_BASE_URL: 'http://127.0.0.1:9', SMTP_URL: 'smtp://127.0.0.1:9', SMS_HTTP_ALLOWED_HOSTS: '127.0.0.1' };

export async function startFuzzApp(): Promise<{ t: TestApp; state: StoredState }> {
  const t = await TestApp.start(OFFLINE_ENV);
  try {
    return { t, state: await StoredState.of(t) };
  } catch (error) {
    await t.close();
    throw error;
  }
}

/** Fresh resources (an accepted DELETE may have removed the previous ones) and tokens naming them. */
export async function seed(t: TestApp): Promise<Fixtures> {
  // Fresh tokens per endpoint: a long fuzz run outlives any one of them.
  const owner = await t.issuer.owner({ org: 'org-1', expiresIn: 3600 });
  const schemaId = await createSchema(t, owner, `person-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
  const { id: userId } = await createUser(t, owner, {
    schemaId,
    data: { name: 'Fuzz' },
    contact: { email: { address: 'fuzz@example.com', returnCode: {} }, phone: { number: '+41791234567', returnCode: {} } },
  });
  const smsProviderIds: string[] = [];
  for (const [path, body] of [
    ['/admin/v1/sms/twilio', { sid: 'AC1', token: 'fuzz-token', senderNumber: '+41790000000' }],
    ['/admin/v1/sms/http', { endpoint: 'http://127.0.0.1:9/sms', description: 'fuzz' }],
  ] as const) {
    const added = await t.request('POST', path, { token: owner, body });
    if (added.status !== 200) throw new Error(`seeding ${path}: ${added.status} ${added.text}`);
    smsProviderIds.push(added.body.id);
  }
  const issuer = t.issuer as any;
  const bearer = async (options: Record<string, unknown>) => `Bearer ${await issuer.token({ expiresIn: 3600, ...options })}`;
  const ownerRoles = { IAM_OWNER: ['instance'] };
  return {
    schemaId,
    userId,
    smsProviderIds,
    authorizations: {
      none: undefined,
      garbage: 'Bearer not.a.jwt',
      notBearer: 'Basic YWRtaW46YWRtaW4=',
      expired: await bearer({ roles: ownerRoles, expiresIn: -120 }),
      unknownKey: await bearer({ roles: ownerRoles, unknownKey: true }),
      otherIssuer: await bearer({ roles: ownerRoles, issuer: 'http://127.0.0.1:9/not-the-issuer' }),
      noScope: await bearer({ roles: ownerRoles, scope: 'openid' }),
      viewer: await bearer({ roles: { IAM_OWNER_VIEWER: ['instance'] } }),
      orgManager: await bearer({ roles: { ORG_USER_MANAGER: ['org-1'] }, org: 'org-1' }),
      self: await bearer({ sub: userId, org: 'org-1' }),
      owner: `Bearer ${owner}`,
    },
  };
}
