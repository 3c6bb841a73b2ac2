/**
 * Gathers calls and serves them with as few calls of `run` as it can: the
 * calls made while the current event-loop turn runs go out together right
 * after it (setImmediate), and the calls made while a run is in flight wait
 * for it and then go out together (as a database groups the commits that
 * arrive during a flush). Concurrent delivery jobs then share one query
 * instead of one round trip each, also when they arrive one by one. A caller
 * only ever joins a batch that has not started yet, so what `run` reads is
 * never older than the call that asked for it (a token rotated before a job
 * started is what that job sees).
 */
export class TickBatcher<I, O> {
  private pending: Array<{ input: I; resolve(output: O): void; reject(error: unknown): void }> = [];
  private scheduled = false;
  private inFlight = false;

  constructor(
    /** Answers the inputs, in order. */
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly maxBatch = 500,
  ) {}

  call(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight || this.pending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.inFlight = true;
    const parts: Array<Promise<void>> = [];
    for (let start = 0; start < batch.length; start += this.maxBatch) {
      const part = batch.slice(start, start + this.maxBatch);
      parts.push(
        // Through a promise, so that a `run` that throws is a rejection of its callers, not a batcher stuck in flight.
        Promise.resolve(part.map((entry) => entry.input)).then(this.run).then(
          (outputs) => part.forEach((entry, i) => entry.resolve(outputs[i])),
          (error: unknown) => part.forEach((entry) => entry.reject(error)),
        ),
      );
    }
    await Promise.all(parts);
    this.inFlight = false;
    this.schedule();
  }
}
