import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { type NewResult, contentHashOf } from './SnapshotStore';

/**
 * The content hash as it was first defined: every stored snapshot's
 * recorded hash was computed this way, so the faster implementation must
 * give the same hash for every result set or old snapshots stop verifying.
 */
function referenceContentHash(results: readonly NewResult[]): string {
  const canonical = [...results]
    .sort((a, b) =>
      a.entityRef === b.entityRef
        ? a.checkId.localeCompare(b.checkId)
        : a.entityRef.localeCompare(b.entityRef),
    )
    .map(r =>
      JSON.stringify([
        r.entityRef,
        r.checkId,
        r.checkVersion,
        r.status,
        r.underlyingStatus ?? null,
        r.value ?? null,
        r.numerator ?? null,
        r.denominator ?? null,
        r.reason,
        r.evidence,
        r.waiverId ?? null,
        ...(r.smallSample ? [true] : []),
      ]),
    );
  return createHash('sha256').update(canonical.join('\n')).digest('hex');
}

const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('a', 'B', 'é', 'ä', 'Z', '_', '-', '10', '9', '"', '\n'),
);

const result: fc.Arbitrary<NewResult> = fc.record(
  {
    entityRef: fc.oneof(
      text,
      fc.constantFrom('component:default/a', 'component:default/B'),
    ),
    checkId: fc.oneof(text, fc.constantFrom('BKP-01', 'bkp-01', 'INC-10')),
    checkVersion: fc.integer({ min: 1, max: 5 }),
    status: fc.constantFrom('pass', 'warn', 'fail', 'no_data', 'exempt'),
    underlyingStatus: fc.constantFrom('fail', 'warn'),
    value: fc.oneof(fc.double(), fc.constant(null)),
    numerator: fc.integer(),
    denominator: fc.integer(),
    reason: text,
    evidence: fc.array(
      fc.record(
        {
          type: text,
          id: text,
          url: text,
          note: text,
        },
        { requiredKeys: ['type', 'id'] },
      ),
      { maxLength: 3 },
    ),
    waiverId: text,
    smallSample: fc.boolean(),
  },
  {
    requiredKeys: [
      'entityRef',
      'checkId',
      'checkVersion',
      'status',
      'reason',
      'evidence',
    ],
  },
) as fc.Arbitrary<NewResult>;

describe('contentHashOf', () => {
  it('hashes every result set exactly as the original definition did', () => {
    fc.assert(
      fc.property(fc.array(result, { maxLength: 30 }), results => {
        expect(contentHashOf(results)).toBe(referenceContentHash(results));
        // Hashed twice (the cache): still the same.
        expect(contentHashOf(results)).toBe(referenceContentHash(results));
      }),
      { numRuns: 300 },
    );
  });
});
