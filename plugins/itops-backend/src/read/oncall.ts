import type { OnCallShiftRecord } from '@backstage-itops/plugin-itops-common';
import type { Knex } from 'knex';
import { onCallTable } from '../database/recordTables';
import { fromDbNumber } from '../database/time';
import { ENTITY_RECORDS } from '../database/entityRecordLinks';
import { onCallScope } from './entityScope';
import { type ApiRecord, toApiRecord } from './records';

/** How far ahead "next" looks; schedules are rarely published further. */
const HORIZON_MS = 30 * 24 * 60 * 60 * 1000;

type Shift = ApiRecord<OnCallShiftRecord>;

/** Who is on call now and who takes over next. */
export type OnCall = {
  now: Shift[];
  next: Shift[];
};

/** {@link OnCall} in total and per escalation level. */
export type OnCallDetail = OnCall & {
  escalationLevels: Array<{ escalationLevel: number } & OnCall>;
};

/**
 * The entity's on-call now and next. "Next" is worked out per schedule and
 * escalation level, because each is its own rota: the first shift of the
 * rota that starts after now, i.e. the hand-over when the current shift ends.
 * A system's on-call is its teams' ({@link onCallScope}).
 */
export async function entityOnCall(
  knex: Knex,
  entityRef: string,
  now: number,
): Promise<OnCallDetail> {
  const scope = await onCallScope(knex, entityRef);
  const rows = await knex(onCallTable.table)
    .whereIn(
      'id',
      knex(ENTITY_RECORDS)
        .whereIn('entity_ref', scope)
        .andWhere('record_table', onCallTable.kind)
        .select('record_id'),
    )
    .where('end_at', '>', now)
    .where('start_at', '<', now + HORIZON_MS)
    .orderBy([
      { column: 'escalation_level' },
      { column: 'schedule_name' },
      { column: 'start_at' },
      { column: 'id' },
    ]);

  const current: Shift[] = [];
  const upcoming: Shift[] = [];
  const rotasWithNext = new Set<string>();
  for (const row of rows) {
    const rota = `${row.escalation_level}\u0000${row.schedule_name}`;
    if (fromDbNumber(row.start_at)! <= now) {
      current.push(toApiRecord(onCallTable, row));
    } else if (!rotasWithNext.has(rota)) {
      // Rows come by start within a rota, so the first future one is next.
      upcoming.push(toApiRecord(onCallTable, row));
      rotasWithNext.add(rota);
    }
  }

  const levels = [...new Set([...current, ...upcoming].map(levelOf))].sort(
    (a, b) => a - b,
  );
  return {
    now: current,
    next: upcoming,
    escalationLevels: levels.map(escalationLevel => ({
      escalationLevel,
      now: current.filter(shift => levelOf(shift) === escalationLevel),
      next: upcoming.filter(shift => levelOf(shift) === escalationLevel),
    })),
  };
}

function levelOf(shift: Shift): number {
  return shift.escalationLevel;
}
