/**
 * Gathers the calls made while the current event-loop turn runs and serves
 * them with one call of `run` right after it (setImmediate): concurrent
 * delivery jobs then share one query instead of one round trip each. A
 * caller only ever joins a batch that has not started yet, so what `run`
 * reads is never older than the call that asked for it (a token rotated
 * before a job started is what that job sees).
 */
export class TickBatcher<I, O> {
  private pending: Array<{ input: I; resolve(output: O): void; reject(error: unknown): void }> = [];

  constructor(
    /** Answers the inputs, in order. */
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly maxBatch = 500,
  ) {}

  call(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ input, resolve, reject });
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    for (let start = 0; start < batch.length; start += this.maxBatch) {
      const part = batch.slice(start, start + this.maxBatch);
      this.run(part.map((entry) => entry.input)).then(
        (outputs) => part.forEach((entry, i) => entry.resolve(outputs[i])),
        (error: unknown) => part.forEach((entry) => entry.reject(error)),
      );
    }
  }
}
