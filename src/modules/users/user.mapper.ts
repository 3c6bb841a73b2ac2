import { timestamp } from '../../common/dto/object-details.dto';
import { Details, OwnerType } from '../../common/dto/resource-details.dto';
import { Contact, GetUser } from './dto/user-responses.dto';
import { UserEntity, UserState } from './user.entity';

/** Details after a change (or a change left undone): the same as a read's, as in ZITADEL's documented answers. */
export function userChangeDetails(user: UserEntity): Details {
  return userReadDetails(user);
}

export function userReadDetails(user: UserEntity): Details {
  return {
    id: user.id,
    created: timestamp(user.createdAt),
    changed: timestamp(user.changedAt),
    owner: { type: OwnerType.OWNER_TYPE_ORG, id: user.organizationId },
  };
}

export function reportedState(user: UserEntity): GetUser['state'] {
  if (user.locked) return 'USER_STATE_LOCKED';
  return user.state === UserState.ACTIVE ? 'USER_STATE_ACTIVE' : 'USER_STATE_INACTIVE';
}

/** GetUser as protojson writes it: `isVerified: false` and an empty contact are left out. */
export function toGetUser(user: UserEntity, schemaType: string): GetUser {
  const contact: Contact = {};
  if (user.emailAddress) contact.email = { address: user.emailAddress, ...(user.emailVerified ? { isVerified: true } : {}) };
  if (user.phoneNumber) contact.phone = { number: user.phoneNumber, ...(user.phoneVerified ? { isVerified: true } : {}) };
  // Fields in the message's order, so that the JSON reads like ZITADEL's.
  return {
    details: userReadDetails(user),
    schema: { id: user.schemaId, ...(schemaType ? { type: schemaType } : {}), revision: user.schemaRevision },
    data: user.data,
    ...(contact.email || contact.phone ? { contact } : {}),
    state: reportedState(user),
  };
}
