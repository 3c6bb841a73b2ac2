import { randomInt } from 'node:crypto';

/**
 * Numeric string ids like ZITADEL's (sonyflake: `69629023906488334`), made
 * without coordination: 39 bits of time in 10 ms steps since 2014-09-01,
 * 8 bits of sequence within a step, 16 bits of machine id. The machine id is
 * drawn at random per process, so independent instances need no registry;
 * with the time and sequence parts a clash needs two processes with the same
 * random 16 bits issuing ids in the same 10 ms step.
 */
export class IdGenerator {
  private static readonly EPOCH_MS = Date.UTC(2014, 8, 1);
  private lastStep = -1n;
  private sequence = 0n;

  constructor(
    private readonly machineId: bigint = BigInt(randomInt(0, 1 << 16)),
    private readonly now: () => number = Date.now,
  ) {}

  next(): string {
    let step = BigInt(Math.floor((this.now() - IdGenerator.EPOCH_MS) / 10));
    if (step <= this.lastStep) {
      // Same step (or the clock went back): use the next sequence number, and
      // borrow the next step once the 256 numbers of this one are used.
      step = this.lastStep;
      this.sequence = (this.sequence + 1n) & 0xffn;
      if (this.sequence === 0n) step += 1n;
    } else {
      this.sequence = 0n;
    }
    this.lastStep = step;
    return ((step << 24n) | (this.sequence << 16n) | this.machineId).toString();
  }
}
