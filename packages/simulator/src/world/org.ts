import { createHash } from 'node:crypto';

/**
 * The organisation shared by the three simulators and by the repo's example
 * catalog (examples/*.yaml): the same teams, people, services, CIs, Jira
 * projects and Veeam jobs, so that the catalog's itops.io annotations resolve.
 * Changing a name here means changing it in examples/ too.
 */

/** A stable 32-hex id for a record, as ServiceNow sys_ids look. */
export function stableSysId(table: string, name: string): string {
  return createHash('md5').update(`${table}:${name}`).digest('hex');
}

export interface OrgPerson {
  /** Backstage user name and ServiceNow user_name. */
  userName: string;
  displayName: string;
  email: string;
  phone: string;
  team: string;
}

export interface OrgTeam {
  /** Backstage group name. */
  catalogName: string;
  /** ServiceNow assignment group and JSM Ops team name. */
  name: string;
  /** Whether the team runs its on-call in JSM Operations (else only ServiceNow). */
  jsmOps: boolean;
  members: string[];
}

export interface OrgService {
  /** Backstage entity name. */
  catalogName: string;
  /** ServiceNow business service name, if the service is in the CMDB as one. */
  servicenowService?: string;
  /** ServiceNow CI names whose sys_ids the catalog annotates. */
  servicenowCis: string[];
  jiraProject?: string;
  jiraComponent?: string;
  /** Names of VMs or hosts protected in Veeam. */
  veeamObjects: string[];
  team: string;
}

export interface OrgBackupJob {
  name: string;
  /** Text of the job description; `[itops:<tag>]` tags link it to entities. */
  description: string;
  /** Protected objects (VM names). */
  objects: string[];
  /** Hours between runs. */
  everyHours: number;
  /** How the demo job behaves: mostly green, flaky with warnings, failing, or not run lately. */
  health: 'healthy' | 'warning' | 'failing' | 'stale';
}

export interface OrgJiraProject {
  key: string;
  name: string;
  components: string[];
  team: string;
}

export const ORG_PEOPLE: readonly OrgPerson[] = [
  person('alice.ng', 'Alice Ng', 'platform-sre'),
  person('bob.okafor', 'Bob Okafor', 'platform-sre'),
  person('ivy.chen', 'Ivy Chen', 'platform-sre'),
  person('carla.diaz', 'Carla Diaz', 'payments-team'),
  person('dev.patel', 'Dev Patel', 'payments-team'),
  person('emma.larsen', 'Emma Larsen', 'storefront-team'),
  person('farid.haddad', 'Farid Haddad', 'storefront-team'),
  person('grace.kim', 'Grace Kim', 'data-team'),
  person('hugo.moreau', 'Hugo Moreau', 'data-team'),
];

export const ORG_TEAMS: readonly OrgTeam[] = [
  team('platform-sre', 'Platform SRE', true),
  team('payments-team', 'Payments', true),
  team('storefront-team', 'Storefront', true),
  team('data-team', 'Data Platform', false),
];

export const ORG_SERVICES: readonly OrgService[] = [
  {
    catalogName: 'payments-api',
    servicenowService: 'Payments API',
    servicenowCis: [],
    jiraProject: 'PAY',
    jiraComponent: 'payments-api',
    veeamObjects: ['pay-api-vm-01'],
    team: 'payments-team',
  },
  {
    catalogName: 'payments-ledger',
    servicenowService: 'Payments Ledger',
    servicenowCis: [],
    jiraProject: 'PAY',
    jiraComponent: 'ledger',
    veeamObjects: ['pay-ledger-vm-01'],
    team: 'payments-team',
  },
  {
    catalogName: 'fraud-scoring',
    servicenowCis: [],
    jiraProject: 'PAY',
    jiraComponent: 'fraud-scoring',
    veeamObjects: [],
    team: 'payments-team',
  },
  {
    catalogName: 'checkout-web',
    servicenowService: 'Checkout Web',
    servicenowCis: [],
    jiraProject: 'SHOP',
    jiraComponent: 'checkout',
    veeamObjects: ['shop-web-vm-01', 'shop-web-vm-02'],
    team: 'storefront-team',
  },
  {
    catalogName: 'product-catalog',
    servicenowService: 'Product Catalog',
    servicenowCis: [],
    jiraProject: 'SHOP',
    jiraComponent: 'catalog',
    veeamObjects: ['shop-catalog-vm-01'],
    team: 'storefront-team',
  },
  {
    catalogName: 'search-service',
    servicenowCis: [],
    jiraProject: 'SHOP',
    jiraComponent: 'search',
    veeamObjects: [],
    team: 'storefront-team',
  },
  {
    catalogName: 'identity-service',
    servicenowService: 'Identity Service',
    servicenowCis: [],
    jiraProject: 'OPS',
    jiraComponent: 'identity',
    veeamObjects: ['idp-vm-01'],
    team: 'platform-sre',
  },
  {
    catalogName: 'observability-stack',
    servicenowService: 'Observability',
    servicenowCis: [],
    jiraProject: 'OPS',
    jiraComponent: 'observability',
    veeamObjects: [],
    team: 'platform-sre',
  },
  {
    catalogName: 'payments-db',
    servicenowCis: ['pg-payments-01'],
    veeamObjects: ['pg-payments-01'],
    team: 'payments-team',
  },
  {
    catalogName: 'orders-db',
    servicenowCis: ['pg-orders-01'],
    veeamObjects: ['pg-orders-01'],
    team: 'storefront-team',
  },
  {
    catalogName: 'kafka-cluster',
    servicenowCis: ['kafka-prod-cluster'],
    veeamObjects: ['kafka-01', 'kafka-02', 'kafka-03'],
    team: 'platform-sre',
  },
  {
    catalogName: 'data-warehouse',
    servicenowService: 'Data Warehouse',
    servicenowCis: [],
    veeamObjects: ['dwh-01'],
    team: 'data-team',
  },
  {
    catalogName: 'object-storage',
    servicenowService: 'Object Storage',
    servicenowCis: [],
    veeamObjects: ['minio-01'],
    team: 'platform-sre',
  },
];

export const ORG_JIRA_PROJECTS: readonly OrgJiraProject[] = [
  {
    key: 'PAY',
    name: 'Payments',
    components: ['payments-api', 'ledger', 'fraud-scoring'],
    team: 'payments-team',
  },
  {
    key: 'SHOP',
    name: 'Storefront',
    components: ['checkout', 'catalog', 'search'],
    team: 'storefront-team',
  },
  {
    key: 'OPS',
    name: 'Platform Operations',
    components: ['identity', 'observability'],
    team: 'platform-sre',
  },
];

export const ORG_BACKUP_JOBS: readonly OrgBackupJob[] = [
  job('Payments DB - Hourly', '', ['pg-payments-01'], 1, 'healthy'),
  job(
    'Payments Apps - Daily',
    'Application servers of the payments system',
    ['pay-api-vm-01', 'pay-ledger-vm-01'],
    24,
    'healthy',
  ),
  job('Orders DB - Daily', '', ['pg-orders-01'], 24, 'healthy'),
  job(
    'Storefront Apps - Daily',
    'Web shop servers [itops:storefront]',
    ['shop-web-vm-01', 'shop-web-vm-02', 'shop-catalog-vm-01'],
    24,
    'warning',
  ),
  job(
    'Kafka - Daily',
    'Event streaming brokers [itops:kafka]',
    ['kafka-01', 'kafka-02', 'kafka-03'],
    24,
    'healthy',
  ),
  job('Identity - Daily', '', ['idp-vm-01'], 24, 'healthy'),
  job('Data Warehouse - Weekly', '', ['dwh-01'], 24 * 7, 'failing'),
  job('Object Storage - Daily', '', ['minio-01'], 24, 'stale'),
];

/** sys_id of a CI of the CMDB by its name (what `itops.io/servicenow-ci` holds). */
export function ciSysId(ciName: string): string {
  return stableSysId('cmdb_ci', ciName);
}

function person(userName: string, displayName: string, teamName: string) {
  const digits = String(
    parseInt(stableSysId('phone', userName).slice(0, 7), 16) % 10000000,
  ).padStart(7, '0');
  return {
    userName,
    displayName,
    email: `${userName}@acme.example`,
    phone: `+1 555 ${digits.slice(0, 3)} ${digits.slice(3)}`,
    team: teamName,
  };
}

function team(catalogName: string, name: string, jsmOps: boolean): OrgTeam {
  return {
    catalogName,
    name,
    jsmOps,
    members: ORG_PEOPLE.filter(p => p.team === catalogName).map(
      p => p.userName,
    ),
  };
}

function job(
  name: string,
  description: string,
  objects: string[],
  everyHours: number,
  health: OrgBackupJob['health'],
): OrgBackupJob {
  return { name, description, objects, everyHours, health };
}
