import { Principal, ROLES_CLAIM, ZITADEL_API_SCOPE } from './principal';

const claims = (roles: Record<string, Record<string, string>>) => ({
  sub: 'u1',
  scope: `openid ${ZITADEL_API_SCOPE}`,
  [ROLES_CLAIM]: roles,
  'urn:zitadel:iam:user:resourceowner:id': 'org-a',
});

describe('Principal', () => {
  it('reads subject, scopes and own organization from the claims', () => {
    const p = Principal.fromClaims(claims({}));
    expect(p.subject).toBe('u1');
    expect(p.organizationId).toBe('org-a');
    expect(p.hasScope(ZITADEL_API_SCOPE)).toBe(true);
  });

  it('grants instance roles everywhere and org roles only in their organizations', () => {
    const owner = Principal.fromClaims(claims({ IAM_OWNER: { x: 'x' } }));
    expect(owner.hasInstancePermission('iam.write')).toBe(true);
    expect(owner.hasPermissionInOrg('user.write', 'any-org')).toBe(true);

    const viewer = Principal.fromClaims(claims({ IAM_OWNER_VIEWER: {} }));
    expect(viewer.hasInstancePermission('iam.read')).toBe(true);
    expect(viewer.hasInstancePermission('iam.write')).toBe(false);

    const orgOwner = Principal.fromClaims(claims({ ORG_OWNER: { 'org-a': 'a.example' } }));
    expect(orgOwner.hasInstancePermission('iam.read')).toBe(false);
    expect(orgOwner.hasPermissionInOrg('user.write', 'org-a')).toBe(true);
    expect(orgOwner.hasPermissionInOrg('user.write', 'org-b')).toBe(false);
    expect(orgOwner.organizationsWith('user.read')).toEqual(new Set(['org-a']));
  });

  it('ignores unknown roles and malformed role claims', () => {
    expect(Principal.fromClaims({ sub: 'x', [ROLES_CLAIM]: ['IAM_OWNER'] }).hasInstancePermission('iam.read')).toBe(false);
    expect(Principal.fromClaims(claims({ SOMETHING: {} })).hasInstancePermission('iam.read')).toBe(false);
  });
});
