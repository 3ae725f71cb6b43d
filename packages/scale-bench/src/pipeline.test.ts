import { type ScaleRun, startScaleRun } from './pipeline';
import { requestJson } from './scenarios';
import { countRows, readSyncReport } from './syncReport';

const MAPPED_KINDS = new Set(['Component', 'Resource', 'System', 'Group']);

describe('the scale pipeline at a tiny size', () => {
  let run: ScaleRun;

  beforeAll(async () => {
    run = await startScaleRun({
      db: 'sqlite',
      sizes: {
        services: 50,
        incidents: 2000,
        changes: 500,
        jiraShare: 0.1,
        backupJobs: 50,
        backupSessions: 1000,
      },
    });
  }, 60_000);

  afterAll(async () => {
    await run?.close();
  });

  it('syncs every record the simulators hold, from every source, without errors', async () => {
    const synced = new Map(
      (await readSyncReport(run.database.knex)).map(row => [
        `${row.source} ${row.capability}`,
        row,
      ]),
    );
    expect([...synced.values()].filter(row => row.error)).toEqual([]);
    const { main, jira } = run.scales;
    expect(synced.get('servicenow incidents')?.records).toBe(main.incidents);
    expect(synced.get('servicenow changes')?.records).toBe(main.changes);
    expect(synced.get('jira incidents')?.records).toBe(jira!.incidents);
    expect(synced.get('jira changes')?.records).toBe(jira!.changes);
    expect(await countRows(run.database.knex, 'itops_incidents')).toBe(2000);
    // Every job, and the sessions of the module's history window.
    expect(synced.get('veeam backups')?.records).toBeGreaterThan(50);
    expect(synced.get('servicenow oncall')?.records).toBeGreaterThan(0);
  });

  it('maps every catalog entity, and incidents onto a generated service', async () => {
    expect(await countRows(run.database.knex, 'itops_entities')).toBe(
      run.catalog.filter(e => MAPPED_KINDS.has(e.kind)).length,
    );
    // A generated ServiceNow service whose Jira component and Veeam job are cataloged too.
    const entity = '/entities/component/default/service-00020';
    const incidents = await requestJson(
      run,
      `${entity}/incidents?state=all&limit=200`,
    );
    const sources = new Set(
      incidents.items.map((i: { sourceType: string }) => i.sourceType),
    );
    expect(sources).toEqual(new Set(['servicenow', 'jira']));
    await expect(requestJson(run, `${entity}/summary`)).resolves.toBeDefined();
  });

  it('evaluates compliance for every component', async () => {
    const summary = await requestJson(run, '/compliance/evaluate', 'POST');
    const components = run.catalog.filter(e => e.kind === 'Component').length;
    expect(summary.snapshot.entityCount).toBe(components);
    const [{ entities }] = await run.database
      .knex('itops_compliance_results')
      .where({ snapshot_id: summary.snapshot.id })
      .countDistinct({ entities: 'entity_ref' });
    expect(Number(entities)).toBe(components);
  });
});
