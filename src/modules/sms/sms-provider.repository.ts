import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { deferWrite, forUpdate, readSqlDate, selectRows, sqlDate } from '../../common/persistence/raw-sql';
import { SmsProviderEntity, SmsProviderKind, SmsProviderState } from './sms-provider.entity';

/** A provider row as both drivers return it. */
interface ProviderRow {
  id: string;
  instance_id: string;
  kind: SmsProviderKind;
  state: number | string;
  description: string;
  twilio_sid: string | null;
  twilio_sender_number: string | null;
  twilio_verify_service_sid: string | null;
  twilio_token_ciphertext: string | null;
  twilio_token_key_id: string | null;
  http_endpoint: string | null;
  http_signing_key_ciphertext: string | null;
  http_signing_key_key_id: string | null;
  sequence: number | string;
  created_at: Date | string;
  changed_at: Date | string;
  changed_by: string;
}

const PROVIDER_COLUMNS = `id, instance_id, kind, state, description, twilio_sid, twilio_sender_number, twilio_verify_service_sid,
  twilio_token_ciphertext, twilio_token_key_id, http_endpoint, http_signing_key_ciphertext, http_signing_key_key_id,
  sequence, created_at, changed_at, changed_by`;

function toEntity(row: ProviderRow): SmsProviderEntity {
  const provider = new SmsProviderEntity();
  provider.id = row.id;
  provider.instanceId = row.instance_id;
  provider.kind = row.kind;
  provider.state = Number(row.state) as SmsProviderState;
  provider.description = row.description;
  provider.twilioSid = row.twilio_sid;
  provider.twilioSenderNumber = row.twilio_sender_number;
  provider.twilioVerifyServiceSid = row.twilio_verify_service_sid;
  provider.twilioTokenCiphertext = row.twilio_token_ciphertext;
  provider.twilioTokenKeyId = row.twilio_token_key_id;
  provider.httpEndpoint = row.http_endpoint;
  provider.httpSigningKeyCiphertext = row.http_signing_key_ciphertext;
  provider.httpSigningKeyKeyId = row.http_signing_key_key_id;
  provider.sequence = Number(row.sequence);
  provider.createdAt = readSqlDate(row.created_at);
  provider.changedAt = readSqlDate(row.changed_at);
  provider.changedBy = row.changed_by;
  return provider;
}

/**
 * Every query on sms_providers. The per-request ones (get, lock, save) are
 * hand-written SQL, as in UserRepository, for their CPU cost.
 */
@Injectable()
export class SmsProviderRepository {
  async find(em: EntityManager, instanceId: string, id: string): Promise<SmsProviderEntity | null> {
    const [row] = await selectRows<ProviderRow>(em, `SELECT ${PROVIDER_COLUMNS} FROM sms_providers WHERE instance_id = ? AND id = ?`, [instanceId, id]);
    return row ? toEntity(row) : null;
  }

  /** Loads and row-locks one provider for a change (SELECT … FOR UPDATE on MySQL). */
  async findForUpdate(em: EntityManager, instanceId: string, id: string): Promise<SmsProviderEntity | null> {
    const [row] = await selectRows<ProviderRow>(
      em,
      `SELECT ${PROVIDER_COLUMNS} FROM sms_providers WHERE instance_id = ? AND id = ?${forUpdate(em)}`,
      [instanceId, id],
    );
    return row ? toEntity(row) : null;
  }

  /**
   * For an activation: locks every provider of the instance in id order, so
   * that two concurrent activations run one after the other, and loads only
   * the provider to activate and the ones active now. Locking takes the ids
   * alone; loading every row made each activation cost as much as all the
   * providers together (the 10,000-case fuzz run left thousands).
   */
  async lockForActivation(em: EntityManager, instanceId: string, id: string): Promise<{ provider: SmsProviderEntity | null; active: SmsProviderEntity[] }> {
    await selectRows(em, `SELECT id FROM sms_providers WHERE instance_id = ? ORDER BY id${forUpdate(em)}`, [instanceId]);
    const rows = await selectRows<ProviderRow>(
      em,
      `SELECT ${PROVIDER_COLUMNS} FROM sms_providers WHERE instance_id = ? AND (id = ? OR state = ?)`,
      [instanceId, id, SmsProviderState.ACTIVE],
    );
    const providers = rows.map(toEntity);
    return {
      provider: providers.find((provider) => provider.id === id) ?? null,
      active: providers.filter((provider) => provider.id !== id && provider.state === SmsProviderState.ACTIVE),
    };
  }

  /**
   * The provider the workers send through. Read for every message sent, so
   * by hand: TypeORM's findOne built the query anew each time, about a tenth
   * of a delivery's CPU in the queue burst's profile.
   */
  async findActive(em: EntityManager, instanceId: string): Promise<SmsProviderEntity | null> {
    const [row] = await selectRows<ProviderRow>(em, `SELECT ${PROVIDER_COLUMNS} FROM sms_providers WHERE instance_id = ? AND state = ? LIMIT 1`, [
      instanceId,
      SmsProviderState.ACTIVE,
    ]);
    return row ? toEntity(row) : null;
  }

  async page(
    em: EntityManager,
    instanceId: string,
    page: { offset: number; limit: number; ascending: boolean },
  ): Promise<[SmsProviderEntity[], number]> {
    const direction = page.ascending ? 'ASC' : 'DESC';
    return em.findAndCount(SmsProviderEntity, {
      where: { instanceId },
      order: { createdAt: direction, id: direction },
      skip: page.offset,
      take: page.limit,
    });
  }

  async insert(em: EntityManager, provider: SmsProviderEntity): Promise<void> {
    await em.insert(SmsProviderEntity, provider);
  }

  /** Writes every mutable column of a loaded provider back. */
  async save(em: EntityManager, provider: SmsProviderEntity): Promise<void> {
    await deferWrite(
      em,
      `UPDATE sms_providers SET state = ?, description = ?, twilio_sid = ?, twilio_sender_number = ?, twilio_verify_service_sid = ?,
         twilio_token_ciphertext = ?, twilio_token_key_id = ?, http_endpoint = ?, http_signing_key_ciphertext = ?, http_signing_key_key_id = ?,
         sequence = ?, changed_at = ?, changed_by = ? WHERE id = ?`,
      [
        provider.state,
        provider.description,
        provider.twilioSid,
        provider.twilioSenderNumber,
        provider.twilioVerifyServiceSid,
        provider.twilioTokenCiphertext,
        provider.twilioTokenKeyId,
        provider.httpEndpoint,
        provider.httpSigningKeyCiphertext,
        provider.httpSigningKeyKeyId,
        provider.sequence,
        sqlDate(em, provider.changedAt),
        provider.changedBy,
        provider.id,
      ],
    );
  }

  async delete(em: EntityManager, provider: SmsProviderEntity): Promise<void> {
    await em.delete(SmsProviderEntity, { id: provider.id });
  }
}
