import { Permission, ROLE_GRANTS } from './permissions';

export const ZITADEL_API_SCOPE = 'urn:zitadel:iam:org:project:id:zitadel:aud';
export const ROLES_CLAIM = 'urn:zitadel:iam:org:project:roles';
export const RESOURCE_OWNER_CLAIM = 'urn:zitadel:iam:user:resourceowner:id';

/** The verified caller of a request, built from its access token's claims. */
export class Principal {
  constructor(
    /** `sub`: the acting user's id, recorded as the editor of every change. */
    readonly subject: string,
    /** The caller's own organization (`urn:zitadel:iam:user:resourceowner:id`). */
    readonly organizationId: string | undefined,
    readonly scopes: ReadonlySet<string>,
    /** role name → organization ids where the role holds. */
    readonly roles: ReadonlyMap<string, ReadonlySet<string>>,
    /** The token's `exp`, in epoch ms. */
    readonly expiresAtMs?: number,
  ) {}

  static fromClaims(claims: Record<string, unknown>): Principal {
    const scopes = new Set(typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : []);
    const roles = new Map<string, Set<string>>();
    const roleClaim = claims[ROLES_CLAIM];
    if (roleClaim && typeof roleClaim === 'object' && !Array.isArray(roleClaim)) {
      for (const [role, orgs] of Object.entries(roleClaim as Record<string, unknown>)) {
        const orgIds = orgs && typeof orgs === 'object' && !Array.isArray(orgs) ? Object.keys(orgs) : [];
        roles.set(role, new Set(orgIds));
      }
    }
    const org = claims[RESOURCE_OWNER_CLAIM];
    return new Principal(
      String(claims.sub ?? ''),
      typeof org === 'string' && org.length > 0 && org.length <= 200 ? org : undefined,
      scopes,
      roles,
      typeof claims.exp === 'number' ? claims.exp * 1000 : undefined,
    );
  }

  hasScope(scope: string): boolean {
    return this.scopes.has(scope);
  }

  /** Whether a role grants the permission instance-wide. */
  hasInstancePermission(permission: Permission): boolean {
    for (const role of this.roles.keys()) {
      const grant = ROLE_GRANTS[role];
      if (grant?.scope === 'instance' && grant.permissions.includes(permission)) return true;
    }
    return false;
  }

  /** Whether a role grants the permission in this organization (instance roles count everywhere). */
  hasPermissionInOrg(permission: Permission, organizationId: string): boolean {
    if (this.hasInstancePermission(permission)) return true;
    for (const [role, orgs] of this.roles) {
      const grant = ROLE_GRANTS[role];
      if (grant?.scope === 'org' && grant.permissions.includes(permission) && orgs.has(organizationId)) return true;
    }
    return false;
  }

  /**
   * The organizations where the permission holds through an org role, or 'all'
   * when an instance role grants it. Used to restrict searches.
   */
  organizationsWith(permission: Permission): 'all' | Set<string> {
    if (this.hasInstancePermission(permission)) return 'all';
    const orgs = new Set<string>();
    for (const [role, roleOrgs] of this.roles) {
      const grant = ROLE_GRANTS[role];
      if (grant?.scope === 'org' && grant.permissions.includes(permission)) roleOrgs.forEach((o) => orgs.add(o));
    }
    return orgs;
  }
}
