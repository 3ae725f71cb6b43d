import { Random } from './random';

describe('Random', () => {
  it('repeats the same sequence for the same seed', () => {
    const a = new Random(42);
    const b = new Random(42);
    const first = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(first);
    expect(new Random(43).next()).not.toEqual(first[0]);
  });

  it('derives independent, repeatable streams', () => {
    expect(Random.derive(1, 'incident', 7).hex32()).toEqual(
      Random.derive(1, 'incident', 7).hex32(),
    );
    expect(Random.derive(1, 'incident', 7).hex32()).not.toEqual(
      Random.derive(1, 'incident', 8).hex32(),
    );
  });

  it('keeps integers within bounds and follows weights', () => {
    const random = new Random(7);
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 4000; i++) {
      const n = random.int(3, 5);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(5);
      counts[
        random.weighted([
          ['a', 3],
          ['b', 1],
        ] as const)
      ]++;
    }
    expect(counts.a / counts.b).toBeGreaterThan(2.5);
    expect(counts.a / counts.b).toBeLessThan(3.5);
  });

  it('formats ids like the vendors do', () => {
    const random = new Random(1);
    expect(random.hex32()).toMatch(/^[0-9a-f]{32}$/);
    expect(random.uuid()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
