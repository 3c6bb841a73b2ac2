import { DeliveryMark, DeliveryMarks } from './delivery-marks';

/**
 * The marks of the in-process queue: none. Its jobs run again only in
 * another process (after this one died), and a row is recorded sent before
 * its job ends, so there is nothing a mark would bridge; `canNoteSending`
 * is false, so delivery sends one message at a time as for a provider that
 * cannot be asked.
 */
export class NoDeliveryMarks extends DeliveryMarks {
  open(): void {}

  async close(): Promise<void> {}

  noteSent(): void {}

  async noteSending(): Promise<boolean> {
    return false;
  }

  canNoteSending(): boolean {
    return false;
  }

  async findSent(ids: string[]): Promise<Array<DeliveryMark | null>> {
    return ids.map(() => null);
  }

  forgetSent(): void {}
}
