import { RequestLimiter } from './RequestLimiter';

/** A clock that only moves when the limiter sleeps. */
function virtualTime() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

describe('RequestLimiter', () => {
  it('keeps at most maxConcurrency tasks in flight', async () => {
    const limiter = new RequestLimiter({
      maxConcurrency: 2,
      requestsPerSecond: Infinity,
    });
    let inFlight = 0;
    let peak = 0;
    const task = async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise(resolve => setTimeout(resolve, 5));
      inFlight--;
    };
    await Promise.all(Array.from({ length: 7 }, () => limiter.run(task)));
    expect(peak).toBe(2);
    expect(inFlight).toBe(0);
  });

  it('frees the slot of a task that throws', async () => {
    const limiter = new RequestLimiter({
      maxConcurrency: 1,
      requestsPerSecond: Infinity,
    });
    await expect(
      limiter.run(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
  });

  it('spends a requests-per-second budget, waiting for tokens', async () => {
    const time = virtualTime();
    const limiter = new RequestLimiter({
      maxConcurrency: 10,
      requestsPerSecond: 2,
      ...time,
    });
    const startedAt: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, () =>
        limiter.run(async () => {
          startedAt.push(time.now());
        }),
      ),
    );
    // Two at once from the full bucket, then one every 500 ms.
    expect(startedAt).toEqual([0, 0, 500, 1000, 1500, 2000]);
  });

  it('rejects a budget or concurrency that cannot work', () => {
    expect(
      () => new RequestLimiter({ maxConcurrency: 0, requestsPerSecond: 1 }),
    ).toThrow(/maxConcurrency/);
    expect(
      () => new RequestLimiter({ maxConcurrency: 1, requestsPerSecond: 0 }),
    ).toThrow(/requestsPerSecond/);
  });
});
