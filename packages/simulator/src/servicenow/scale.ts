import { stableSysId } from '../world/org';
import { Random } from '../world/random';
import type { ScaleOptions } from '../types';
import { changeRow, type ChangeType } from './changes';
import { DAY, HOUR, snDateTime } from './format';
import { incidentRow } from './incidents';
import { systemFields, taskNumber } from './records';
import { freezes } from './schedules';
import { ArrayTable, DerivedTable } from './store';
import { buildDatabase, type WorldContext } from './world';
import {
  buildOrgRecords,
  ciRecord,
  groupSysId,
  type Target,
  userRow,
  userSysId,
} from './world-org';

const SERVICES_PER_TEAM = 25;
const MEMBERS_PER_TEAM = 3;

/**
 * The generated part of the scale world, by position `s` among the
 * generated services (after the org's own): the business service, its
 * assignment group and the group's members. Exported so that the scale
 * catalog (scaleCatalog.ts) names exactly what this world serves.
 */
export function scaleServiceOf(s: number): {
  serviceName: string;
  teamNumber: number;
  teamName: string;
  members: string[];
} {
  const teamNumber = Math.floor(s / SERVICES_PER_TEAM) + 1;
  return {
    serviceName: `Service ${String(s + 1).padStart(5, '0')}`,
    teamNumber,
    teamName: `Scale Team ${String(teamNumber).padStart(4, '0')}`,
    members: Array.from(
      { length: MEMBERS_PER_TEAM },
      (_, m) => `scale.user.${teamNumber}.${m + 1}`,
    ),
  };
}

/**
 * A sys_id that encodes the row's position, so that a derived row is found
 * by id without an index: `a<table digit><6 hex of seed><24 hex position>`.
 * Derived ids sort by position, which keeps `sys_id` monotonic.
 */
function positionalIds(tableDigit: number, seed: number) {
  const prefix = `a${tableDigit}${(seed >>> 0)
    .toString(16)
    .padStart(8, '0')
    .slice(-6)}`;
  return {
    idOf: (index: number) => prefix + index.toString(16).padStart(24, '0'),
    indexOf: (sysId: string) =>
      sysId.length === 32 &&
      sysId.startsWith(prefix) &&
      /^[0-9a-f]+$/.test(sysId)
        ? Number.parseInt(sysId.slice(8), 16)
        : undefined,
  };
}

/**
 * Evenly spaced update times ending just before `now`, at least a second
 * apart so that `sys_updated_on` strictly increases with the position.
 */
function slots(count: number, now: Date) {
  const step = Math.max(
    1000,
    Math.floor((90 * DAY) / Math.max(1, count) / 1000) * 1000,
  );
  const end = Math.floor(now.getTime() / 1000) * 1000 - 60_000;
  return (index: number) => new Date(end - (count - 1 - index) * step);
}

/**
 * Scale mode for benchmarks: the org plus generated services and teams,
 * and incidents and changes derived from (seed, position) on demand.
 */
export function buildScaleWorld(
  seed: number,
  now: Date,
  scale: ScaleOptions,
): WorldContext {
  const org = buildOrgRecords(now);
  const since = new Date(now.getTime() - 400 * DAY);
  const sys = (sysId: string, className: string) =>
    systemFields({ sysId, className, createdOn: since, updatedOn: since });

  const users = [...org.users];
  const groups = [...org.groups];
  const services = [...org.services];
  const targets: Target[] = [...org.targets];
  const extraServices = Math.max(0, scale.services - org.services.length);
  for (let s = 0; s < extraServices; s++) {
    const {
      serviceName: name,
      teamNumber,
      teamName,
      members,
    } = scaleServiceOf(s);
    if (s % SERVICES_PER_TEAM === 0) {
      for (const member of members) {
        users.push(
          userRow(
            {
              userName: member,
              displayName: `Scale User ${teamNumber}-${member.slice(-1)}`,
              email: `${member}@acme.example`,
              phone: '',
              title: 'Engineer',
            },
            sys(userSysId(member), 'sys_user'),
          ),
        );
      }
      groups.push({
        ...sys(groupSysId(teamName), 'sys_user_group'),
        name: teamName,
        description: 'Generated for scale mode',
        active: 'true',
        manager: userSysId(members[0]),
        email: '',
        parent: '',
        type: '',
      });
    }
    const sysId = stableSysId('cmdb_ci', name);
    services.push({
      ...ciRecord(
        name,
        'cmdb_ci_service',
        { name: teamName, members },
        sys(sysId, 'cmdb_ci_service'),
      ),
      busines_criticality: '3 - less critical',
      service_classification: 'Business Service',
      used_for: 'Production',
    });
    targets.push({
      label: name,
      groupSysId: groupSysId(teamName),
      memberSysIds: members.map(userSysId),
      serviceSysId: sysId,
      ciSysId: '',
      ciName: '',
      weight: 1,
    });
  }
  const callers = users.map(u => u.sys_id);

  const incidentIds = positionalIds(1, seed);
  const incidentSlot = slots(scale.incidents, now);
  const incidents = new DerivedTable({
    name: 'incident',
    count: scale.incidents,
    indexOf: incidentIds.indexOf,
    derive: index => {
      const random = Random.derive(seed, 'servicenow', 'scale-incident', index);
      const slot = incidentSlot(index);
      const row = incidentRow({
        random,
        sysId: incidentIds.idOf(index),
        number: taskNumber('INC', index + 1),
        openedAt: new Date(
          slot.getTime() - Math.max(60_000, random.logNormal(9 * DAY, 0.6)),
        ),
        asOf: slot,
        target: targets[random.int(0, targets.length - 1)],
        callerSysId: callers[random.int(0, callers.length - 1)],
      });
      row.sys_updated_on = snDateTime(slot);
      // Most P1/P2 incidents link the problem record of their review
      // (compliance INC-04); the scale world serves no problem rows, so
      // the reference is kept by sys_id only.
      if (row.priority <= '2' && random.chance(0.9)) {
        row.problem_id = random.hex32();
      }
      return row;
    },
  });

  const changeIds = positionalIds(2, seed);
  const changeSlot = slots(scale.changes, now);
  const changes = new DerivedTable({
    name: 'change_request',
    count: scale.changes,
    indexOf: changeIds.indexOf,
    derive: index => {
      const random = Random.derive(seed, 'servicenow', 'scale-change', index);
      const slot = changeSlot(index);
      const row = changeRow({
        random,
        sysId: changeIds.idOf(index),
        number: taskNumber('CHG', index + 1),
        type: random.weighted<ChangeType>([
          ['standard', 55],
          ['normal', 35],
          ['emergency', 10],
        ]),
        plannedStart: new Date(slot.getTime() - random.int(3, 48) * HOUR),
        asOf: slot,
        target: targets[random.int(0, targets.length - 1)],
      });
      row.sys_updated_on = snDateTime(slot);
      return row;
    },
  });

  const freezeList = freezes(now);
  const { db, onCall } = buildDatabase({
    now,
    freezes: freezeList,
    users,
    groups,
    members: org.members,
    services,
    cis: org.cis,
    incidents,
    problems: new ArrayTable('problem'),
    changes,
    changeTasks: new ArrayTable('change_task'),
  });

  let incidentCounter = scale.incidents;
  return {
    db,
    freezes: freezeList,
    onCall,
    targets,
    callers,
    nextIncidentNumber: () => ++incidentCounter,
    liveChanges: [],
    incidents: {
      add: row => incidents.append(row),
      touched: row => incidents.append(row),
      mutable: () => incidents.appended().filter(r => r.active === 'true'),
      addFirst: row => incidents.prepend(row),
      earliestUpdate: () => incidents.first()?.sys_updated_on,
    },
  };
}
