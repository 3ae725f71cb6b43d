import {
  ciSysId,
  ORG_PEOPLE,
  ORG_SERVICES,
  ORG_TEAMS,
  stableSysId,
  type OrgTeam,
} from '../world/org';
import { DAY } from './format';
import { systemFields } from './records';
import type { SnRow } from './store';

/** The well-known sys_id of ServiceNow's built-in `admin` user. */
export const ADMIN_SYS_ID = '6816f79cc0a8016401c5a33be04be441';

export function userSysId(userName: string): string {
  return userName === 'admin'
    ? ADMIN_SYS_ID
    : stableSysId('sys_user', userName);
}

export function groupSysId(groupName: string): string {
  return stableSysId('sys_user_group', groupName);
}

function teamOf(catalogName: string): OrgTeam {
  return ORG_TEAMS.find(t => t.catalogName === catalogName)!;
}

/**
 * Where incidents and changes land: a team, optionally a business service
 * and a CI. Built from the org so that the catalog's annotations resolve.
 */
export interface Target {
  label: string;
  groupSysId: string;
  memberSysIds: string[];
  serviceSysId: string;
  ciSysId: string;
  ciName: string;
  /** Relative share of incidents and changes. */
  weight: number;
}

export interface OrgRecords {
  users: SnRow[];
  groups: SnRow[];
  members: SnRow[];
  services: SnRow[];
  cis: SnRow[];
  targets: Target[];
}

interface Person {
  userName: string;
  displayName: string;
  email: string;
  phone: string;
  title: string;
}

const SYSTEM_PEOPLE: Person[] = [
  {
    userName: 'admin',
    displayName: 'System Administrator',
    email: 'admin@acme.example',
    phone: '',
    title: 'System Administrator',
  },
  {
    userName: 'itops.integration',
    displayName: 'ITOps Integration',
    email: 'itops.integration@acme.example',
    phone: '',
    title: 'Integration user',
  },
];

export function buildOrgRecords(now: Date): OrgRecords {
  const since = new Date(now.getTime() - 400 * DAY);
  const sys = (sysId: string, className: string) =>
    systemFields({ sysId, className, createdOn: since, updatedOn: since });

  const people: Person[] = [
    ...SYSTEM_PEOPLE,
    ...ORG_PEOPLE.map(p => ({ ...p, title: 'Engineer' })),
  ];
  const users = people.map(p =>
    userRow(p, sys(userSysId(p.userName), 'sys_user')),
  );

  const groups = ORG_TEAMS.map(team => ({
    ...sys(groupSysId(team.name), 'sys_user_group'),
    name: team.name,
    description: `${team.name} team (Backstage group ${team.catalogName})`,
    active: 'true',
    manager: userSysId(team.members[0]),
    email: `${team.catalogName}@acme.example`,
    parent: '',
    type: '',
  }));

  const members = ORG_TEAMS.flatMap(team =>
    team.members.map(member => ({
      ...sys(
        stableSysId('sys_user_grmember', `${team.name}:${member}`),
        'sys_user_grmember',
      ),
      group: groupSysId(team.name),
      user: userSysId(member),
    })),
  );

  const services: SnRow[] = [];
  const cis = new Map<string, SnRow>();
  const targets: Target[] = [];
  for (const service of ORG_SERVICES) {
    const team = teamOf(service.team);
    const ciRow = (name: string) =>
      ciRecord(name, ciClass(name), team, sys(ciSysId(name), ciClass(name)));
    if (service.servicenowService) {
      services.push({
        ...ciRecord(
          service.servicenowService,
          'cmdb_ci_service',
          team,
          sys(ciSysId(service.servicenowService), 'cmdb_ci_service'),
        ),
        busines_criticality:
          service.team === 'payments-team'
            ? '1 - most critical'
            : '2 - somewhat critical',
        service_classification: 'Business Service',
        used_for: 'Production',
      });
    }
    for (const name of [...service.servicenowCis, ...service.veeamObjects]) {
      if (!cis.has(name)) {
        cis.set(name, ciRow(name));
      }
    }
    const ciName = service.servicenowCis[0] ?? service.veeamObjects[0] ?? '';
    if (service.servicenowService || service.servicenowCis.length > 0) {
      targets.push({
        label: service.servicenowService ?? ciName,
        groupSysId: groupSysId(team.name),
        memberSysIds: team.members.map(userSysId),
        serviceSysId: service.servicenowService
          ? ciSysId(service.servicenowService)
          : '',
        ciSysId: ciName ? ciSysId(ciName) : '',
        ciName,
        weight: service.team === 'payments-team' ? 3 : 2,
      });
    }
  }
  return { users, groups, members, services, cis: [...cis.values()], targets };
}

export function userRow(person: Person, sys: SnRow): SnRow {
  const [first, ...last] = person.displayName.split(' ');
  return {
    ...sys,
    user_name: person.userName,
    name: person.displayName,
    first_name: first,
    last_name: last.join(' '),
    email: person.email,
    phone: person.phone,
    mobile_phone: person.phone,
    title: person.title,
    active: 'true',
    time_zone: 'UTC',
  };
}

export function ciRecord(
  name: string,
  className: string,
  team: { name: string; members: readonly string[] },
  sys: SnRow,
): SnRow {
  const hash = Number.parseInt(sys.sys_id.slice(0, 4), 16);
  return {
    ...sys,
    name,
    operational_status: '1',
    install_status: '1',
    support_group: groupSysId(team.name),
    managed_by: team.members[0] ? userSysId(team.members[0]) : '',
    owned_by: team.members[0] ? userSysId(team.members[0]) : '',
    ip_address:
      className === 'cmdb_ci_service' ? '' : `10.20.${hash >> 8}.${hash & 255}`,
    fqdn: className === 'cmdb_ci_service' ? '' : `${name}.prod.acme.example`,
    environment: 'Production',
    category:
      className === 'cmdb_ci_service' ? 'Business Service' : 'Infrastructure',
  };
}

function ciClass(name: string): string {
  if (name.startsWith('pg-')) {
    return 'cmdb_ci_db_postgresql_instance';
  }
  if (name.endsWith('-cluster')) {
    return 'cmdb_ci_cluster';
  }
  return 'cmdb_ci_linux_server';
}
