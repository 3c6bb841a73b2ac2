import { SendGate } from './send-gate';

/** A request that settles when the test says so. */
function pending<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('SendGate', () => {
  it('runs one request at a time, in the order they asked', async () => {
    const gate = new SendGate(1);
    const started: string[] = [];
    const first = pending<string>();
    const second = pending<string>();
    const third = pending<string>();
    const results = [
      gate.run(() => (started.push('a'), first.promise)),
      gate.run(() => (started.push('b'), second.promise)),
      gate.run(() => (started.push('c'), third.promise)),
    ];
    await flush();
    expect(started).toEqual(['a']);
    expect(gate.queued).toBe(2);

    first.resolve('A');
    await flush();
    expect(started).toEqual(['a', 'b']);
    second.resolve('B');
    await flush();
    expect(started).toEqual(['a', 'b', 'c']);
    third.resolve('C');
    await expect(Promise.all(results)).resolves.toEqual(['A', 'B', 'C']);
    expect(gate.queued).toBe(0);
  });

  it('lets the next request go after one that failed, and passes the failure to its caller only', async () => {
    const gate = new SendGate(1);
    const failing = pending<string>();
    const first = gate.run(() => failing.promise);
    const second = gate.run(async () => 'sent');
    failing.reject(new Error('HTTP 503'));
    await expect(first).rejects.toThrow('HTTP 503');
    await expect(second).resolves.toBe('sent');
  });

  it('what runs inside the turn (noting the answer) is done before the next request starts', async () => {
    const gate = new SendGate(1);
    const events: string[] = [];
    const answer = pending<string>();
    const noted = gate.run(async () => {
      const sid = await answer.promise;
      events.push(`noted ${sid}`);
    });
    const next = gate.run(async () => void events.push('next request'));
    answer.resolve('SM1');
    await Promise.all([noted, next]);
    expect(events).toEqual(['noted SM1', 'next request']);
  });

  it('with a larger limit, runs that many side by side', async () => {
    const gate = new SendGate(2);
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        gate.run(async () => {
          most = Math.max(most, ++running);
          await flush();
          running--;
        }),
      ),
    );
    expect(most).toBe(2);
  });
});
