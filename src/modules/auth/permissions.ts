/**
 * ZITADEL's permissions used by this service and the roles that hold them
 * (README, "Access tokens and roles").
 */
export const INSTANCE_PERMISSIONS = ['iam.read', 'iam.write', 'userschema.read', 'userschema.write', 'userschema.delete'] as const;

export type InstancePermission = (typeof INSTANCE_PERMISSIONS)[number];

export function isInstancePermission(value: string): value is InstancePermission {
  return (INSTANCE_PERMISSIONS as readonly string[]).includes(value);
}

export type OrgPermission = 'user.read' | 'user.write' | 'user.delete';

export type Permission = InstancePermission | OrgPermission;

interface RoleGrant {
  /** Instance-wide roles hold their permissions in every organization. */
  scope: 'instance' | 'org';
  permissions: readonly Permission[];
}

const USER_WRITE: OrgPermission[] = ['user.read', 'user.write', 'user.delete'];

export const ROLE_GRANTS: Readonly<Record<string, RoleGrant>> = {
  IAM_OWNER: {
    scope: 'instance',
    permissions: ['iam.read', 'iam.write', 'userschema.read', 'userschema.write', 'userschema.delete', ...USER_WRITE],
  },
  IAM_OWNER_VIEWER: { scope: 'instance', permissions: ['iam.read', 'userschema.read', 'user.read'] },
  ORG_OWNER: { scope: 'org', permissions: USER_WRITE },
  ORG_USER_MANAGER: { scope: 'org', permissions: USER_WRITE },
  ORG_OWNER_VIEWER: { scope: 'org', permissions: ['user.read'] },
  ORG_USER_VIEWER: { scope: 'org', permissions: ['user.read'] },
};
