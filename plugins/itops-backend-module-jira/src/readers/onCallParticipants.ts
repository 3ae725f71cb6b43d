import type { OpsParticipant } from '../client/JsmOpsClient';

/** A person on call, as `/on-calls` resolves a schedule's participants. */
export interface OnCallPerson {
  /** Atlassian account id. */
  id: string;
  /** The name JSM Ops gave, if any; the account is looked up for the real one. */
  name?: string;
  /** 1 is the first responder; escalations notified later count up. */
  escalationLevel: number;
}

/** Safety net against participants nesting themselves. */
const MAX_DEPTH = 5;

/**
 * The people behind a schedule's on-call participants (`flat=false`):
 * users as they are; teams and escalations through the participants they
 * nest. The escalation level ranks the minutes after which a person is
 * notified (`escalationTime`, 0 for the schedule's own users): everyone
 * notified at once is level 1, the next wave level 2, and so on. A person
 * reached twice keeps the lowest level. Participants that resolve to
 * nobody (an escalation without nested participants) give no one.
 */
export function resolveOnCallPeople(
  participants: readonly OpsParticipant[],
): OnCallPerson[] {
  const reached = new Map<string, { name?: string; minutes: number }>();
  const visit = (
    list: readonly OpsParticipant[],
    minutes: number,
    depth: number,
  ) => {
    for (const participant of list) {
      const at = minutes + Math.max(0, Number(participant.escalationTime) || 0);
      const type = participant.type ?? 'user';
      if (type === 'user') {
        if (!participant.id) {
          continue;
        }
        const known = reached.get(participant.id);
        if (!known || at < known.minutes) {
          reached.set(participant.id, { name: participant.name, minutes: at });
        }
      } else if (depth < MAX_DEPTH && participant.onCallParticipants) {
        visit(participant.onCallParticipants, at, depth + 1);
      }
    }
  };
  visit(participants, 0, 0);
  const waves = [...new Set([...reached.values()].map(r => r.minutes))].sort(
    (a, b) => a - b,
  );
  return [...reached.entries()]
    .map(([id, { name, minutes }]) => ({
      id,
      ...(name ? { name } : {}),
      escalationLevel: waves.indexOf(minutes) + 1,
    }))
    .sort(
      (a, b) =>
        a.escalationLevel - b.escalationLevel || a.id.localeCompare(b.id),
    );
}

/** Who is on call, as one comparable text (ids and levels). */
export function onCallSignature(people: readonly OnCallPerson[]): string {
  return people
    .map(person => `${person.escalationLevel}:${person.id}`)
    .sort()
    .join(',');
}
