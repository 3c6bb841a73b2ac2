import { TickBatcher } from './tick-batcher';

describe('TickBatcher', () => {
  it('serves the calls of one event-loop turn with one run, each caller its own answer', async () => {
    const runs: number[][] = [];
    const batcher = new TickBatcher(async (inputs: number[]) => {
      runs.push(inputs);
      return inputs.map((n) => n * 10);
    });
    const answers = await Promise.all([batcher.call(1), batcher.call(2), batcher.call(3)]);
    expect(answers).toEqual([10, 20, 30]);
    expect(runs).toEqual([[1, 2, 3]]);
  });

  it('starts a new batch for calls made after a batch started', async () => {
    const runs: number[][] = [];
    const batcher = new TickBatcher(async (inputs: number[]) => {
      runs.push(inputs);
      return inputs;
    });
    await batcher.call(1);
    await batcher.call(2);
    expect(runs).toEqual([[1], [2]]);
  });

  it('gathers the calls made while a run is in flight into the next run, which starts once it settled', async () => {
    const runs: number[][] = [];
    let finishFirst!: () => void;
    const firstRunning = new Promise<void>((resolve) => (finishFirst = resolve));
    const batcher = new TickBatcher(async (inputs: number[]) => {
      runs.push(inputs);
      if (runs.length === 1) await firstRunning;
      return inputs;
    });
    const first = batcher.call(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toEqual([[1]]);
    const later = [2, 3, 4].map((n) => new Promise((resolve) => setImmediate(() => resolve(batcher.call(n)))));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toEqual([[1]]);
    finishFirst();
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3, 4]);
    expect(runs).toEqual([[1], [2, 3, 4]]);
  });

  it('rejects the callers of a run that throws, and serves the next calls', async () => {
    let broken = true;
    const batcher = new TickBatcher((inputs: number[]) => {
      if (broken) throw new Error('not a promise');
      return Promise.resolve(inputs);
    });
    await expect(Promise.all([batcher.call(1), batcher.call(2)])).rejects.toThrow('not a promise');
    broken = false;
    expect(await batcher.call(3)).toBe(3);
  });

  it('splits large batches and rejects every caller of a failed run', async () => {
    const runs: number[][] = [];
    const batcher = new TickBatcher(async (inputs: number[]) => {
      runs.push(inputs);
      if (inputs.includes(3)) throw new Error('database down');
      return inputs;
    }, 2);
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => batcher.call(n)));
    expect(runs).toEqual([[1, 2], [3, 4]]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
  });
});
