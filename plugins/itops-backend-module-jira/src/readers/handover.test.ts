import { findHandover } from './handover';
import { onCallSignature, resolveOnCallPeople } from './onCallParticipants';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-03-10T12:00:30Z');

/** A rota handing over at the given instants. */
function rota(handovers: number[]) {
  const asked: number[] = [];
  const whoAt = async (at: number) => {
    asked.push(at);
    return String(handovers.filter(h => h <= at).length);
  };
  return { whoAt, asked };
}

describe('findHandover', () => {
  it('finds the next and the last handover to the minute', async () => {
    const last = Date.parse('2026-03-09T09:00:00Z');
    const next = Date.parse('2026-03-16T09:17:00Z');
    const { whoAt, asked } = rota([last, next]);
    expect(await findHandover(whoAt, NOW, 1, 14 * 24 * HOUR)).toBe(next);
    expect(await findHandover(whoAt, NOW, -1, 7 * 24 * HOUR)).toBe(last);
    expect(asked.length).toBeLessThan(60);
  });

  it('says nothing changes within the limit', async () => {
    const { whoAt } = rota([NOW + 10 * 24 * HOUR]);
    expect(await findHandover(whoAt, NOW, 1, 7 * 24 * HOUR)).toBeUndefined();
    expect(await findHandover(whoAt, NOW, 1, 0)).toBeUndefined();
  });
});

describe('resolveOnCallPeople', () => {
  it('resolves teams and escalations, ranking escalation times', () => {
    const people = resolveOnCallPeople([
      { id: 'a', type: 'user' },
      {
        id: 'esc',
        type: 'escalation',
        onCallParticipants: [
          { id: 'b', type: 'user', escalationTime: 15 },
          { id: 'a', type: 'user', escalationTime: 30 },
          {
            id: 'team',
            type: 'team',
            escalationTime: 45,
            onCallParticipants: [{ id: 'c', type: 'user' }],
          },
        ],
      },
      // An escalation that resolves to nobody gives no one.
      { id: 'empty', type: 'escalation' },
    ]);
    expect(people).toEqual([
      { id: 'a', escalationLevel: 1 },
      { id: 'b', escalationLevel: 2 },
      { id: 'c', escalationLevel: 3 },
    ]);
    expect(onCallSignature(people)).toBe('1:a,2:b,3:c');
  });
});
