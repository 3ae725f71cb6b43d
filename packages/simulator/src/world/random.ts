/**
 * A small seeded pseudo-random generator (mulberry32), so that every run with
 * the same seed produces the same world, and records can be derived from
 * (seed, index) alone in scale mode without keeping them in memory.
 */
export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A generator for one derived stream, e.g. `random.fork('incident', 42)`. */
  static derive(seed: number, ...parts: Array<string | number>): Random {
    let hash = seed >>> 0;
    for (const part of parts) {
      const text = String(part);
      for (let i = 0; i < text.length; i++) {
        hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
      }
      hash = Math.imul(hash ^ 0x2c, 0x01000193) >>> 0;
    }
    return new Random(hash);
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight: `weighted([['a', 3], ['b', 1]])` gives 'a' three times as often. */
  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) {
        return value;
      }
    }
    return entries[entries.length - 1][0];
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** A long-tailed positive value with the given median (log-normal). */
  logNormal(median: number, spread = 1): number {
    const u1 = Math.max(this.next(), Number.EPSILON);
    const u2 = this.next();
    const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    return median * Math.exp(spread * normal);
  }

  /** 32 lowercase hex characters, like a ServiceNow sys_id. */
  hex32(): string {
    let out = '';
    for (let i = 0; i < 4; i++) {
      out += Math.floor(this.next() * 4294967296)
        .toString(16)
        .padStart(8, '0');
    }
    return out;
  }

  /** A version-4-shaped UUID, like Veeam and JSM Ops ids. */
  uuid(): string {
    const hex = this.hex32();
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(
      13,
      16,
    )}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}
