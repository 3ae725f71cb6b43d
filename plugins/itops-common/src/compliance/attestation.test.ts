import { attestedControlStatus } from './attestation';

const NOW = Date.parse('2026-06-15T12:00:00Z');
const later = new Date(NOW + 86_400_000).toISOString();
const earlier = new Date(NOW - 1).toISOString();

describe('attestedControlStatus', () => {
  it('gives a manual control with an attestation in force the status attested', () => {
    expect(
      attestedControlStatus(
        'manual',
        { id: '7', state: 'active', expiresAt: later },
        NOW,
      ),
    ).toEqual({ status: 'attested', attestationId: '7' });
  });

  it('turns an expired attestation into no_data with the reason', () => {
    expect(
      attestedControlStatus(
        'manual',
        { id: '7', state: 'active', expiresAt: earlier },
        NOW,
      ),
    ).toEqual({
      status: 'no_data',
      reason: 'attestation expired',
      attestationId: '7',
    });
    expect(
      attestedControlStatus(
        'manual',
        { id: '7', state: 'expired', expiresAt: earlier },
        NOW,
      ).status,
    ).toBe('no_data');
  });

  it('keeps manual without an attestation, or with a revoked or superseded one', () => {
    expect(attestedControlStatus('manual', undefined, NOW)).toEqual({
      status: 'manual',
    });
    for (const state of ['revoked', 'superseded'] as const) {
      expect(
        attestedControlStatus(
          'manual',
          { id: '1', state, expiresAt: later },
          NOW,
        ).status,
      ).toBe('manual');
    }
  });

  it('never lets an attestation override automated evidence', () => {
    const attestation = { id: '1', state: 'active' as const, expiresAt: later };
    for (const status of [
      'fail',
      'warn',
      'no_data',
      'error',
      'pass',
    ] as const) {
      expect(attestedControlStatus(status, attestation, NOW)).toEqual({
        status,
      });
    }
  });
});
