/**
 * Time source of the simulators. Seeded data is laid out relative to
 * `now()`, so the demo always looks current; tests pass a fixed clock.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock stopped at `at`, which tests may move forward. */
export class FixedClock implements Clock {
  #at: number;

  constructor(at: Date | string) {
    this.#at = new Date(at).getTime();
  }

  now(): Date {
    return new Date(this.#at);
  }

  advance(milliseconds: number): void {
    this.#at += milliseconds;
  }
}
