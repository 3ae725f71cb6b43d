/**
 * The incidents' change links against the simulator over real HTTP, with
 * the real sync engine on SQLite and PostgreSQL: what is stored is what
 * the instance links, and a change hidden from the integration user by
 * ACL (`aclHiddenChangeLinks`) is named by its sys_id, not synced, and
 * not lost.
 */
import type { LinkedChange } from '@backstage-itops/plugin-itops-common';
import {
  databases,
  engineFor,
  instance,
  type Knex,
  snTable,
  source,
  withWorld,
} from './__testUtils__/simulatorHarness';

jest.setTimeout(120_000);

async function storedLinks(knex: Knex): Promise<Map<string, LinkedChange[]>> {
  const rows = await knex('itops_incidents')
    .where('source_type', 'servicenow')
    .select('external_id', 'linked_changes');
  return new Map(
    rows.map(row => [
      String(row.external_id),
      row.linked_changes ? JSON.parse(row.linked_changes) : undefined,
    ]),
  );
}

describe('ServiceNow incident change links against the simulator', () => {
  it.each(databases.eachSupportedId())(
    'stores what each incident links, naming hidden changes by sys_id, on %p',
    databaseId =>
      withWorld(databaseId, {}, async ({ knex, clock, sims, url }) => {
        const report = instance(sims).setQuirks({
          aclHiddenChangeLinks: { count: 2 },
        });
        const hidden = new Set(report.hiddenChangeLinks.map(l => l.change));
        expect(hidden.size).toBeGreaterThan(0);

        const src = source(url, clock);
        const engine = engineFor(knex, src);
        await engine.runOnce(src, 'incidents', { full: true });
        await engine.runOnce(src, 'changes', { full: true });

        // The truth, read as admin: every incident's links and every number.
        const incidents = await snTable(url, 'incident', [
          'sys_id',
          'caused_by',
          'rfc',
        ]);
        const numbers = new Map(
          (await snTable(url, 'change_request', ['sys_id', 'number'])).map(
            c => [c.sys_id, c.number],
          ),
        );
        const stored = await storedLinks(knex);
        let linked = 0;
        for (const incident of incidents) {
          const expected: Array<Pick<LinkedChange, 'externalId' | 'relation'>> =
            [];
          if (incident.caused_by) {
            expected.push({
              externalId: incident.caused_by,
              relation: 'caused_by',
            });
          }
          if (incident.rfc && incident.rfc !== incident.caused_by) {
            expected.push({ externalId: incident.rfc, relation: 'related' });
          }
          const links = stored.get(incident.sys_id) ?? [];
          expect(links.map(l => l.externalId)).toEqual(
            expected.map(l => l.externalId),
          );
          for (const [i, link] of links.entries()) {
            linked++;
            expect(link.relation).toBe(expected[i].relation);
            // Hidden: the sys_id stands in for the number ITOps cannot read.
            expect(link.reference).toBe(
              hidden.has(link.externalId)
                ? link.externalId
                : numbers.get(link.externalId),
            );
            expect(link.url).toContain(
              `change_request.do%3Fsys_id%3D${link.externalId}`,
            );
          }
        }
        expect(linked).toBeGreaterThan(hidden.size);

        // The hidden changes are not synced; the others linked are.
        const synced = new Set(
          await knex('itops_changes')
            .where('source_type', 'servicenow')
            .pluck('external_id'),
        );
        for (const change of hidden) {
          expect(synced.has(change)).toBe(false);
        }
        const visibleLinked = [...stored.values()]
          .flat()
          .filter(l => l && !hidden.has(l.externalId));
        expect(visibleLinked.length).toBeGreaterThan(0);
        expect(visibleLinked.every(l => synced.has(l.externalId))).toBe(true);
      }),
  );
});
