import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { writeLock } from '../../common/persistence/dialect';
import { SmsProviderEntity, SmsProviderState } from './sms-provider.entity';

/** Every query on sms_providers. */
@Injectable()
export class SmsProviderRepository {
  find(em: EntityManager, instanceId: string, id: string): Promise<SmsProviderEntity | null> {
    return em.findOne(SmsProviderEntity, { where: { instanceId, id } });
  }

  /** Loads and row-locks one provider for a change (SELECT … FOR UPDATE on MySQL). */
  findForUpdate(em: EntityManager, instanceId: string, id: string): Promise<SmsProviderEntity | null> {
    return em.findOne(SmsProviderEntity, { where: { instanceId, id }, lock: writeLock(em) });
  }

  /**
   * Locks every provider of the instance in id order. Activation takes these
   * locks so that two concurrent activations run one after the other.
   */
  lockAll(em: EntityManager, instanceId: string): Promise<SmsProviderEntity[]> {
    return em.find(SmsProviderEntity, { where: { instanceId }, order: { id: 'ASC' }, lock: writeLock(em) });
  }

  findActive(em: EntityManager, instanceId: string): Promise<SmsProviderEntity | null> {
    return em.findOne(SmsProviderEntity, { where: { instanceId, state: SmsProviderState.ACTIVE } });
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

  async save(em: EntityManager, provider: SmsProviderEntity): Promise<void> {
    await em.update(SmsProviderEntity, { id: provider.id }, { ...provider });
  }

  async delete(em: EntityManager, provider: SmsProviderEntity): Promise<void> {
    await em.delete(SmsProviderEntity, { id: provider.id });
  }
}
