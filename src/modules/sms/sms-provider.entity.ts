import { Column, Entity, PrimaryColumn } from 'typeorm';
import { AggregateRoot } from '../../common/persistence/aggregate';

export enum SmsProviderState {
  ACTIVE = 1,
  INACTIVE = 2,
}

export type SmsProviderKind = 'twilio' | 'http';

/**
 * An SMS provider of the instance. Secrets are stored only sealed
 * (AES-256-GCM, see SecretBox) with the id of the key beside them.
 */
@Entity({ name: 'sms_providers' })
export class SmsProviderEntity extends AggregateRoot {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  id: string;

  @Column({ name: 'instance_id', type: 'varchar', length: 200 })
  instanceId: string;

  @Column({ type: 'varchar', length: 10 })
  kind: SmsProviderKind;

  @Column({ type: 'tinyint', unsigned: true })
  state: SmsProviderState;

  @Column({ type: 'varchar', length: 200, default: '' })
  description: string;

  @Column({ name: 'twilio_sid', type: 'varchar', length: 200, nullable: true })
  twilioSid: string | null;

  @Column({ name: 'twilio_sender_number', type: 'varchar', length: 200, nullable: true })
  twilioSenderNumber: string | null;

  @Column({ name: 'twilio_verify_service_sid', type: 'varchar', length: 200, nullable: true })
  twilioVerifyServiceSid: string | null;

  @Column({ name: 'twilio_token_ciphertext', type: 'text', nullable: true })
  twilioTokenCiphertext: string | null;

  @Column({ name: 'twilio_token_key_id', type: 'varchar', length: 40, nullable: true })
  twilioTokenKeyId: string | null;

  @Column({ name: 'http_endpoint', type: 'text', nullable: true })
  httpEndpoint: string | null;

  @Column({ name: 'http_signing_key_ciphertext', type: 'text', nullable: true })
  httpSigningKeyCiphertext: string | null;

  @Column({ name: 'http_signing_key_key_id', type: 'varchar', length: 40, nullable: true })
  httpSigningKeyKeyId: string | null;
}

/** Associated data that binds a sealed secret to its provider row and purpose. */
export const twilioTokenAad = (providerId: string): string => `sms-provider:${providerId}:twilio-token`;
export const httpSigningKeyAad = (providerId: string): string => `sms-provider:${providerId}:http-signing-key`;
