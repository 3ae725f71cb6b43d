/**
 * Limits the requests one client makes to one source instance: at most
 * `maxConcurrency` in flight, started at most `requestsPerSecond` on average
 * (a token bucket holding one second's worth), so that a Backstage backend
 * stays inside an instance's rate-limit rules instead of running into them.
 *
 * @public
 */
export class RequestLimiter {
  readonly #maxConcurrency: number;
  readonly #requestsPerSecond: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  #inFlight = 0;
  readonly #waiting: Array<() => void> = [];
  #tokens: number;
  #refilledAt: number;
  /** Serialises token waits, so that waiters start in arrival order. */
  #tokenQueue: Promise<void> = Promise.resolve();

  constructor(options: {
    maxConcurrency: number;
    /** `Infinity` for no budget. */
    requestsPerSecond: number;
    now?: () => number;
    sleep?: (ms: number) => Promise<void>;
  }) {
    if (!(options.maxConcurrency >= 1)) {
      throw new RangeError('maxConcurrency must be at least 1');
    }
    if (!(options.requestsPerSecond > 0)) {
      throw new RangeError('requestsPerSecond must be positive');
    }
    this.#maxConcurrency = Math.floor(options.maxConcurrency);
    this.#requestsPerSecond = options.requestsPerSecond;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? (ms => new Promise(r => setTimeout(r, ms)));
    this.#tokens = Math.max(1, Math.min(options.requestsPerSecond, 1e9));
    this.#refilledAt = this.#now();
  }

  /** Runs `task` once both a concurrency slot and a rate token are free. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.#acquireSlot();
    try {
      await this.#takeToken();
      return await task();
    } finally {
      this.#releaseSlot();
    }
  }

  async #acquireSlot(): Promise<void> {
    if (this.#inFlight < this.#maxConcurrency) {
      this.#inFlight++;
      return;
    }
    // The releasing caller hands its slot over, so inFlight stays counted.
    await new Promise<void>(resolve => this.#waiting.push(resolve));
  }

  #releaseSlot(): void {
    const next = this.#waiting.shift();
    if (next) {
      next();
    } else {
      this.#inFlight--;
    }
  }

  #takeToken(): Promise<void> {
    if (!Number.isFinite(this.#requestsPerSecond)) {
      return Promise.resolve();
    }
    const turn = this.#tokenQueue.then(async () => {
      this.#refill();
      if (this.#tokens < 1) {
        const waitMs = ((1 - this.#tokens) / this.#requestsPerSecond) * 1000;
        await this.#sleep(Math.ceil(waitMs));
        this.#refill();
      }
      this.#tokens -= 1;
    });
    this.#tokenQueue = turn.catch(() => {});
    return turn;
  }

  #refill(): void {
    const now = this.#now();
    const capacity = Math.max(1, this.#requestsPerSecond);
    this.#tokens = Math.min(
      capacity,
      this.#tokens +
        ((now - this.#refilledAt) / 1000) * this.#requestsPerSecond,
    );
    this.#refilledAt = now;
  }
}
