import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { MAX_QUERY_LIMIT, timestamp } from '../../common/dto/object-details.dto';
import { SecretBox } from '../../common/crypto/secret-box';
import { failedPrecondition, invalidArgument, notFound } from '../../common/errors/zitadel-error';
import { IdGenerator } from '../../common/ids/id-generator';
import { Change, recordChange } from '../../common/persistence/aggregate';
import { UnitOfWork } from '../../common/persistence/unit-of-work';
import { Clock } from '../../common/time/clock';
import { validateRequest } from '../../common/validation/validate-request';
import { InstanceContext } from '../../database/database.module';
import { Principal } from '../auth/principal';
import {
  ActivateSMSProviderRequest,
  AddSMSProviderHTTPRequest,
  AddSMSProviderTwilioRequest,
  DeactivateSMSProviderRequest,
  GetSMSProviderRequest,
  ListSMSProvidersRequest,
  RemoveSMSProviderRequest,
  UpdateSMSProviderHTTPRequest,
  UpdateSMSProviderTwilioRequest,
  UpdateSMSProviderTwilioTokenRequest,
} from './dto/sms-requests.dto';
import {
  AddSMSProviderHTTPResponse,
  AddSMSProviderTwilioResponse,
  DetailsResponse,
  GetSMSProviderResponse,
  ListSMSProvidersResponse,
  UpdateSMSProviderHTTPResponse,
} from './dto/sms-responses.dto';
import { SmsProviderEntity, SmsProviderState, httpSigningKeyAad, twilioTokenAad } from './sms-provider.entity';
import { addedDetails, changedDetails, toSmsProvider } from './sms-provider.mapper';
import { SmsProviderRepository } from './sms-provider.repository';
import { SmsEndpointPolicy } from './sms-endpoint-policy';

const AGGREGATE = 'sms_provider';

/**
 * The SMS-provider use cases of ZITADEL's admin API. Every transport calls
 * these with the raw request and the verified caller; the permission itself is
 * declared on the handlers (iam.read / iam.write) and checked by the guard.
 */
@Injectable()
export class SmsProvidersService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly providers: SmsProviderRepository,
    private readonly instance: InstanceContext,
    private readonly ids: IdGenerator,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
    private readonly endpoints: SmsEndpointPolicy,
  ) {}

  async list(_caller: Principal, input: unknown): Promise<ListSMSProvidersResponse> {
    const request = validateRequest(ListSMSProvidersRequest, input);
    const limit = request.query?.limit || MAX_QUERY_LIMIT;
    if (limit > MAX_QUERY_LIMIT) {
      throw invalidArgument('QUERY-4M0fs', `the limit must not exceed ${MAX_QUERY_LIMIT}`);
    }
    const [rows, total] = await this.providers.page(this.unitOfWork.reader, this.instance.instanceId, {
      offset: request.query?.offset ?? 0,
      limit,
      ascending: request.query?.asc ?? false,
    });
    return {
      details: { totalResult: String(total), viewTimestamp: timestamp(this.clock.now()) },
      result: rows.map(toSmsProvider),
    };
  }

  async get(_caller: Principal, input: unknown): Promise<GetSMSProviderResponse> {
    const request = validateRequest(GetSMSProviderRequest, input);
    const provider = await this.providers.find(this.unitOfWork.reader, this.instance.instanceId, request.id);
    if (!provider) throw notFound('QUERY-fn99w', 'SMS configuration not found');
    return { config: toSmsProvider(provider) };
  }

  async addTwilio(caller: Principal, input: unknown): Promise<AddSMSProviderTwilioResponse> {
    const request = validateRequest(AddSMSProviderTwilioRequest, input);
    return this.unitOfWork.run(async (em) => {
      const provider = this.newProvider('twilio', request.description);
      provider.twilioSid = request.sid;
      provider.twilioSenderNumber = request.senderNumber ?? '';
      provider.twilioVerifyServiceSid = request.verifyServiceSid ?? '';
      this.sealTwilioToken(provider, request.token);
      await this.record(em, provider, caller, {
        aggregateType: AGGREGATE,
        eventType: 'sms_provider.twilio.added',
        payload: { sid: request.sid, senderNumber: provider.twilioSenderNumber, description: provider.description, verifyServiceSid: provider.twilioVerifyServiceSid },
      });
      await this.providers.insert(em, provider);
      return { details: addedDetails(provider), id: provider.id };
    });
  }

  async updateTwilio(caller: Principal, input: unknown): Promise<DetailsResponse> {
    const request = validateRequest(UpdateSMSProviderTwilioRequest, input);
    return this.unitOfWork.run(async (em) => {
      const provider = await this.lockKind(em, request.id, 'twilio', 'COMMAND-MUY0IFAf8O');
      const next = {
        twilioSid: request.sid,
        twilioSenderNumber: request.senderNumber ?? '',
        description: request.description ?? '',
        twilioVerifyServiceSid: request.verifyServiceSid ?? '',
      };
      const changed = changedFields(provider, next);
      // Nothing differs: 200 with the current details, nothing written (newest ZITADEL).
      if (Object.keys(changed).length === 0) return { details: changedDetails(provider) };
      Object.assign(provider, next);
      await this.record(em, provider, caller, { aggregateType: AGGREGATE, eventType: 'sms_provider.twilio.changed', payload: changed });
      await this.providers.save(em, provider);
      return { details: changedDetails(provider) };
    });
  }

  /** UpdateSMSProviderTwilioToken: always writes; the token never leaves the service again. */
  async rotateTwilioToken(caller: Principal, input: unknown): Promise<DetailsResponse> {
    const request = validateRequest(UpdateSMSProviderTwilioTokenRequest, input);
    return this.unitOfWork.run(async (em) => {
      const provider = await this.lockKind(em, request.id, 'twilio', 'COMMAND-ij3NhEHATp');
      this.sealTwilioToken(provider, request.token);
      await this.record(em, provider, caller, { aggregateType: AGGREGATE, eventType: 'sms_provider.twilio.token.changed' });
      await this.providers.save(em, provider);
      return { details: changedDetails(provider) };
    });
  }

  async addHttp(caller: Principal, input: unknown): Promise<AddSMSProviderHTTPResponse> {
    const request = validateRequest(AddSMSProviderHTTPRequest, input);
    this.endpoints.assertAllowed(request.endpoint);
    return this.unitOfWork.run(async (em) => {
      const provider = this.newProvider('http', request.description);
      provider.httpEndpoint = request.endpoint;
      const signingKey = this.sealNewSigningKey(provider);
      await this.record(em, provider, caller, {
        aggregateType: AGGREGATE,
        eventType: 'sms_provider.http.added',
        payload: { endpoint: request.endpoint, description: provider.description },
      });
      await this.providers.insert(em, provider);
      return { details: addedDetails(provider), id: provider.id, signingKey };
    });
  }

  async updateHttp(caller: Principal, input: unknown): Promise<UpdateSMSProviderHTTPResponse> {
    const request = validateRequest(UpdateSMSProviderHTTPRequest, input);
    this.endpoints.assertAllowed(request.endpoint);
    return this.unitOfWork.run(async (em) => {
      const provider = await this.lockKind(em, request.id, 'http', 'COMMAND-6NW4I5Kqzj');
      const next = { httpEndpoint: request.endpoint, description: request.description ?? '' };
      const changed = changedFields(provider, next);
      // Only immediate rotation exists (ZITADEL implements just "0s" too).
      const rotate = request.expirationSigningKey !== undefined;
      if (Object.keys(changed).length === 0 && !rotate) return { details: changedDetails(provider) };
      Object.assign(provider, next);
      const signingKey = rotate ? this.sealNewSigningKey(provider) : undefined;
      await this.record(em, provider, caller, {
        aggregateType: AGGREGATE,
        eventType: 'sms_provider.http.changed',
        payload: { ...changed, ...(rotate ? { signingKeyRotated: true } : {}) },
      });
      await this.providers.save(em, provider);
      return signingKey ? { details: changedDetails(provider), signingKey } : { details: changedDetails(provider) };
    });
  }

  /** Makes this provider the only active one, in one transaction. */
  async activate(caller: Principal, input: unknown): Promise<DetailsResponse> {
    const request = validateRequest(ActivateSMSProviderRequest, input);
    return this.unitOfWork.run(async (em) => {
      const { provider, active } = await this.providers.lockForActivation(em, this.instance.instanceId, request.id);
      if (!provider) throw notFound('COMMAND-9ULtp9PH5E', 'SMS configuration not found');
      if (provider.state === SmsProviderState.ACTIVE) {
        throw failedPrecondition('COMMAND-B25GFeIvRi', 'SMS configuration is already active');
      }
      for (const other of active) {
        other.state = SmsProviderState.INACTIVE;
        await this.record(em, other, caller, {
          aggregateType: AGGREGATE,
          eventType: 'sms_provider.deactivated',
          payload: { reason: 'another provider was activated', activated: provider.id },
        });
        await this.providers.save(em, other);
      }
      provider.state = SmsProviderState.ACTIVE;
      await this.record(em, provider, caller, { aggregateType: AGGREGATE, eventType: 'sms_provider.activated' });
      await this.providers.save(em, provider);
      return { details: changedDetails(provider) };
    });
  }

  async deactivate(caller: Principal, input: unknown): Promise<DetailsResponse> {
    const request = validateRequest(DeactivateSMSProviderRequest, input);
    return this.unitOfWork.run(async (em) => {
      const provider = await this.lock(em, request.id, 'COMMAND-La91dGNhbM');
      if (provider.state !== SmsProviderState.ACTIVE) {
        throw failedPrecondition('COMMAND-OSZAEkYvk7', 'SMS configuration is already deactivated');
      }
      provider.state = SmsProviderState.INACTIVE;
      await this.record(em, provider, caller, { aggregateType: AGGREGATE, eventType: 'sms_provider.deactivated' });
      await this.providers.save(em, provider);
      return { details: changedDetails(provider) };
    });
  }

  async remove(caller: Principal, input: unknown): Promise<DetailsResponse> {
    const request = validateRequest(RemoveSMSProviderRequest, input);
    return this.unitOfWork.run(async (em) => {
      const provider = await this.lock(em, request.id, 'COMMAND-povEVHPCkV');
      await this.record(em, provider, caller, { aggregateType: AGGREGATE, eventType: 'sms_provider.removed' });
      await this.providers.delete(em, provider);
      return { details: changedDetails(provider) };
    });
  }

  private newProvider(kind: 'twilio' | 'http', description: string | undefined): SmsProviderEntity {
    const provider = new SmsProviderEntity();
    provider.id = this.ids.next();
    provider.instanceId = this.instance.instanceId;
    provider.kind = kind;
    provider.state = SmsProviderState.INACTIVE;
    provider.description = description ?? '';
    return provider;
  }

  private sealTwilioToken(provider: SmsProviderEntity, token: string): void {
    const sealed = this.secrets.seal(token, twilioTokenAad(provider.id));
    provider.twilioTokenCiphertext = sealed.ciphertext;
    provider.twilioTokenKeyId = sealed.keyId;
  }

  /** A fresh random signing key for the HTTP provider; returns it in plain, once. */
  private sealNewSigningKey(provider: SmsProviderEntity): string {
    const signingKey = randomBytes(32).toString('base64url');
    const sealed = this.secrets.seal(signingKey, httpSigningKeyAad(provider.id));
    provider.httpSigningKeyCiphertext = sealed.ciphertext;
    provider.httpSigningKeyKeyId = sealed.keyId;
    return signingKey;
  }

  private async lock(em: EntityManager, id: string, notFoundId: string): Promise<SmsProviderEntity> {
    const provider = await this.providers.findForUpdate(em, this.instance.instanceId, id);
    if (!provider) throw notFound(notFoundId, 'SMS configuration not found');
    return provider;
  }

  private async lockKind(em: EntityManager, id: string, kind: 'twilio' | 'http', notFoundId: string): Promise<SmsProviderEntity> {
    const provider = await this.lock(em, id, notFoundId);
    if (provider.kind !== kind) throw notFound(notFoundId, 'SMS configuration not found');
    return provider;
  }

  private record(em: EntityManager, provider: SmsProviderEntity, caller: Principal, change: Change): Promise<void> {
    return recordChange(em, provider, provider.instanceId, caller.subject, this.clock.now(), change);
  }
}

function changedFields<T extends object>(current: T, next: Partial<T>): Partial<T> {
  const changed: Partial<T> = {};
  for (const key of Object.keys(next) as Array<keyof T>) {
    if ((current[key] ?? '') !== (next[key] ?? '')) changed[key] = next[key];
  }
  return changed;
}
