import { invalidArgument, notFound, permissionDenied } from '../../common/errors/zitadel-error';
import { Principal } from '../auth/principal';
import { WriterRole } from './schema-compiler';
import { UserEntity, UserState } from './user.entity';

/**
 * Who may do what with a user: the user itself (a stored user whose id is the
 * token's `sub`), or a role with user.read / user.write / user.delete in the
 * user's organization. A user the caller may not read does not exist for it
 * (404, no existence leak); a readable one it may not change is 403.
 */

export const USER_NOT_FOUND = () => notFound('COMMAND-syHyCsGmvM', 'user not found');
const DENIED = () => permissionDenied('AUTHZ-HKJD33', 'permission denied');

export function isSelf(caller: Principal, userId: string): boolean {
  return caller.subject === userId;
}

export function mayRead(caller: Principal, user: UserEntity): boolean {
  return isSelf(caller, user.id) || caller.hasPermissionInOrg('user.read', user.organizationId);
}

/**
 * The user as the caller may see it: missing, deleted, outside the requested
 * organization or not readable all answer the same 404.
 */
export function visibleUser(caller: Principal, user: UserEntity | null, organizationId?: string): UserEntity {
  if (!user || user.state === UserState.DELETED) throw USER_NOT_FOUND();
  if (organizationId !== undefined && user.organizationId !== organizationId) throw USER_NOT_FOUND();
  if (!mayRead(caller, user)) throw USER_NOT_FOUND();
  return user;
}

/**
 * The role a change of a stored user's data and contact is made in: `self`
 * for the user itself (ZITADEL checks that first), `owner` with user.write in
 * its organization; anyone else is refused. Only for a user that exists: the
 * id of a user being created is the caller's choice, so it proves nothing.
 */
export function writerRole(caller: Principal, user: UserEntity): WriterRole {
  if (isSelf(caller, user.id)) return 'self';
  if (caller.hasPermissionInOrg('user.write', user.organizationId)) return 'owner';
  throw DENIED();
}

/**
 * Creating a user needs user.write in the organization it is created in,
 * whatever id the caller picks for it: a token whose `sub` is the chosen
 * `userId` is not yet anyone's "user itself".
 */
export function requireCreateInOrg(caller: Principal, organizationId: string): void {
  if (!caller.hasPermissionInOrg('user.write', organizationId)) throw DENIED();
}

/**
 * Moving a user to another schema needs user.write: the schema's permission
 * keywords decide what the user itself may write, so a user choosing its own
 * schema would choose its own rights.
 */
export function requireSchemaMove(caller: Principal, user: UserEntity): void {
  if (!caller.hasPermissionInOrg('user.write', user.organizationId)) {
    throw permissionDenied('AUTHZ-Self0Sch', 'moving a user to another schema needs the user.write permission');
  }
}

/** Deactivate/Activate/Lock/Unlock need user.write even for the user itself; Delete needs user.delete unless self. */
export function requirePermission(caller: Principal, user: UserEntity, permission: 'user.write' | 'user.delete', allowSelf: boolean): void {
  if (allowSelf && isSelf(caller, user.id)) return;
  if (!caller.hasPermissionInOrg(permission, user.organizationId)) throw DENIED();
}

/**
 * `isVerified: true` and `returnCode` bypass the proof that the user owns the
 * address. Only a user.write role may use them, never a caller acting only as
 * the user itself: ZITADEL's issue 12516 leaves this open; here it is closed.
 */
export function requireTrustedVerification(caller: Principal, organizationId: string): void {
  if (!caller.hasPermissionInOrg('user.write', organizationId)) {
    throw permissionDenied('AUTHZ-Self0Ver', 'isVerified and returnCode need the user.write permission');
  }
}

/**
 * The organization a request names (`organization.orgId`). Organizations are
 * opaque ids here, so a domain cannot be resolved: refused rather than ignored
 * (ZITADEL ignores it and would act on another organization).
 */
export function requestedOrganization(organization: { orgId?: string; orgDomain?: string } | undefined): string | undefined {
  if (organization?.orgDomain !== undefined && organization.orgDomain !== null) {
    throw invalidArgument('USER-OrgDomain', 'organization.orgDomain is not supported: give organization.orgId');
  }
  return organization?.orgId ?? undefined;
}
