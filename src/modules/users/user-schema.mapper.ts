import { Details, OwnerType } from '../../common/dto/resource-details.dto';
import { timestamp } from '../../common/dto/object-details.dto';
import { GetUserSchema } from './dto/user-schema-responses.dto';
import { UserSchemaEntity, UserSchemaState } from './user-schema.entity';

/** Details after a change: the same as a read's (created too), as in ZITADEL's documented answers. */
export function schemaChangeDetails(schema: UserSchemaEntity): Details {
  return schemaReadDetails(schema);
}

/** Details of reads and creations: with the creation date too. */
export function schemaReadDetails(schema: UserSchemaEntity): Details {
  return {
    id: schema.id,
    created: timestamp(schema.createdAt),
    changed: timestamp(schema.changedAt),
    owner: { type: OwnerType.OWNER_TYPE_INSTANCE, id: schema.instanceId },
  };
}

export function toGetUserSchema(schema: UserSchemaEntity): GetUserSchema {
  const config: GetUserSchema['config'] = { type: schema.type, schema: schema.document };
  // protojson leaves empty repeated fields out.
  if (schema.possibleAuthenticators.length > 0) config.possibleAuthenticators = schema.possibleAuthenticators;
  return {
    details: schemaReadDetails(schema),
    config,
    state: schema.state === UserSchemaState.ACTIVE ? 'STATE_ACTIVE' : 'STATE_INACTIVE',
    revision: schema.revision,
  };
}
