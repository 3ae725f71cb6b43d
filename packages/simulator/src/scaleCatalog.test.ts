import { createSite } from './jira/site';
import { scaleCatalogEntities, type ScaleCatalogEntity } from './scaleCatalog';
import { buildScaleWorld } from './servicenow/scale';
import type { SnRow, SnTable } from './servicenow/store';
import type { ScaleOptions } from './types';
import { createScaleWorld } from './veeam/scale';

const SEED = 42;
const NOW = new Date('2026-11-25T12:00:00Z');
const SCALE: ScaleOptions = {
  services: 260,
  incidents: 2000,
  changes: 400,
  backupJobs: 200,
  backupSessions: 1000,
};

function rowsOf(table: SnTable | undefined): SnRow[] {
  return Array.from({ length: table!.size() }, (_, i) => table!.at(i));
}

const annotation = (entity: ScaleCatalogEntity | undefined, key: string) =>
  entity?.metadata.annotations?.[`itops.io/${key}`];

describe('scaleCatalogEntities', () => {
  const entities = scaleCatalogEntities({
    seed: SEED,
    scale: SCALE,
    now: NOW,
  });
  const components = entities.filter(e => e.kind === 'Component');
  const byName = new Map(entities.map(e => [e.metadata.name, e]));
  const sn = buildScaleWorld(SEED, NOW, SCALE);
  const sampled = [0, 1, 7, 8, 9, 33, 125, 259];

  it('has one component per ServiceNow business service, each owned by a cataloged group', () => {
    const services = rowsOf(sn.db.table('cmdb_ci_service'));
    expect(components).toHaveLength(SCALE.services);
    expect(services).toHaveLength(SCALE.services);
    expect(
      new Set(components.map(c => annotation(c, 'servicenow-service'))),
    ).toEqual(new Set(services.map(s => s.name)));
    for (const component of components) {
      expect(byName.get(component.spec.owner as string)?.kind).toBe('Group');
      expect(byName.get(component.spec.system as string)?.spec.owner).toBe(
        component.spec.owner,
      );
    }
    expect(
      new Set(entities.map(e => `${e.kind}:${e.metadata.name}`)).size,
    ).toBe(entities.length);
  });

  it("gives each sampled service's group the assignment group ServiceNow assigns its work to", () => {
    const groupNames = new Map(
      rowsOf(sn.db.table('sys_user_group')).map(g => [g.sys_id, g.name]),
    );
    const services = new Map(
      rowsOf(sn.db.table('cmdb_ci_service')).map(s => [s.name, s]),
    );
    for (const index of sampled) {
      const component = components[index];
      const service = services.get(
        annotation(component, 'servicenow-service')!,
      );
      const group = byName.get(component.spec.owner as string);
      expect(annotation(group, 'servicenow-assignment-group')).toBe(
        groupNames.get(service!.support_group),
      );
    }
  });

  it('maps every sampled incident and change onto a cataloged service or resource', () => {
    const serviceNames = new Map(
      rowsOf(sn.db.table('cmdb_ci_service')).map(s => [s.sys_id, s.name]),
    );
    const annotated = new Set(
      entities.flatMap(e => [
        annotation(e, 'servicenow-service'),
        ...(annotation(e, 'servicenow-ci')?.split(',') ?? []),
      ]),
    );
    for (const tableName of ['incident', 'change_request']) {
      const table = sn.db.table(tableName)!;
      for (let i = 0; i < table.size(); i += 37) {
        const row = table.at(i);
        const linked = [serviceNames.get(row.business_service), row.cmdb_ci];
        expect(linked.some(key => key && annotated.has(key))).toBe(true);
      }
    }
  });

  it("names each sampled service's Jira component in its project", () => {
    const site = createSite({ seed: SEED, syntheticServices: SCALE.services });
    for (const index of sampled) {
      const component = components[index];
      const project = site.projects.find(
        p => p.key === annotation(component, 'jira-project'),
      );
      expect(project?.components.map(c => c.name)).toContain(
        annotation(component, 'jira-component'),
      );
    }
  });

  it('gives the first services one Veeam job each, as many as the world has', () => {
    const veeam = createScaleWorld(SEED, NOW.getTime(), SCALE);
    expect(components.map(c => annotation(c, 'veeam-job'))).toEqual([
      ...veeam.jobs.map(job => job.name),
      ...Array(SCALE.services - SCALE.backupJobs).fill(undefined),
    ]);
  });

  it('gives the org teams that run JSM Operations their on-call team', () => {
    expect(annotation(byName.get('payments-team'), 'jsm-ops-team')).toBe(
      'Payments',
    );
    expect(annotation(byName.get('data-team'), 'jsm-ops-team')).toBeUndefined();
  });

  it('is deterministic for a seed and varies the compliance annotations', () => {
    const again = scaleCatalogEntities({ seed: SEED, scale: SCALE, now: NOW });
    expect(again).toEqual(entities);
    const tiers = new Set(components.map(c => annotation(c, 'tier')));
    expect(tiers).toEqual(new Set(['1', '2', '3', '4']));
    expect(
      components.filter(c => annotation(c, 'rto') === undefined).length,
    ).toBeGreaterThan(0);
  });
});
