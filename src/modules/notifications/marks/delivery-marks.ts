/** What a worker records the moment a provider accepted a row's message (see DeliveryMarks.noteSent). */
export interface SentMark {
  providerMessageId: string | null;
  providerId: string | null;
  /** The row's attempts, counting the one that sent it. */
  attempts: number;
}

/**
 * A row's mark: `sending` from just before a provider request that the
 * provider can later be asked about (DeliveryMarks.noteSending) until its
 * outcome is known; `accepted` once the provider took it.
 */
export type DeliveryMark = { state: 'sending'; attempts: number; providerId: string | null } | ({ state: 'accepted' } & SentMark);

/**
 * Delivery's bookkeeping between a provider's answer and the row recorded
 * in the database, kept where it outlives the worker process (Redis) so
 * that a job run again after a worker died neither re-sends an accepted
 * message nor sends blindly while an earlier request may have gone out.
 */
export abstract class DeliveryMarks {
  /** Opens the connection the marks are written on (in a process with delivery workers). */
  abstract open(): void;

  /** Lets the last marks and deletions go out, then closes the connection. */
  abstract close(): Promise<void>;

  /**
   * Notes that the provider accepted the row's message, right away (called
   * in the same tick as the provider's answer; it does not wait for an
   * answer): a job that runs again before the row was recorded sent (its
   * worker died in between) finds the mark and sends nothing. `keepForMs`
   * bounds how long the mark is kept if `forgetSent` never comes.
   */
  abstract noteSent(id: string, mark: SentMark, keepForMs: number): void;

  /**
   * Notes, before the request leaves, that attempt `attempts` of the row is
   * with the provider: a job that runs again while the mark says so (its
   * worker died with the request open, or the request timed out) asks the
   * provider before sending again — the provider named here, which may no
   * longer be the active one by then. Written on the connection of the
   * `accepted` mark, so it can never overwrite it. Resolves once the marks
   * have it, to false when it could not be written (the request must not
   * leave then: nobody would know to ask about it).
   */
  abstract noteSending(id: string, attempts: number, providerId: string | null, keepForMs: number): Promise<boolean>;

  /**
   * Whether a `sending` mark written now is sure to outlive this process
   * (the connection is up); without it, delivery sends one message at a
   * time, as for a provider that cannot be asked.
   */
  abstract canNoteSending(): boolean;

  /** The marks of these rows, in order (null where none). */
  abstract findSent(ids: string[]): Promise<Array<DeliveryMark | null>>;

  /** The rows are recorded sent, or their open attempt was refused: their marks are no longer needed. Does not wait. */
  abstract forgetSent(ids: string[]): void;
}
