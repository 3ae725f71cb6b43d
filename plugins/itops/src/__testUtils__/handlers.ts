import { http, HttpResponse, type RequestHandler } from 'msw';
import {
  at,
  backupJob,
  change,
  DAY,
  entityUrl,
  incident,
  kpis,
  kpiTrend,
  onCallDetail,
  shift,
  sourceHandlers,
  summary,
} from './fixtures';

/** Every read the entity tab makes, answered for one entity. */
export function entityHandlers(entityRef: string): RequestHandler[] {
  return [
    ...sourceHandlers(),
    http.get(entityUrl(entityRef, 'summary'), () =>
      HttpResponse.json(summary(entityRef)),
    ),
    http.get(entityUrl(entityRef, 'oncall'), () =>
      HttpResponse.json(
        onCallDetail(
          [shift({ personName: 'Carla Diaz' })],
          [
            shift({
              personName: 'Dev Patel',
              start: at(DAY),
              end: at(8 * DAY),
            }),
          ],
        ),
      ),
    ),
    http.get(entityUrl(entityRef, 'incidents'), () =>
      HttpResponse.json({
        items: [incident({ number: 'INC0010042' })],
        totalCount: 3,
        limit: 10,
        offset: 0,
      }),
    ),
    http.get(entityUrl(entityRef, 'changes'), () =>
      HttpResponse.json({ items: [change({ number: 'CHG0030002' })] }),
    ),
    http.get(entityUrl(entityRef, 'backups'), () =>
      HttpResponse.json({ jobs: [backupJob({})] }),
    ),
    http.get(entityUrl(entityRef, 'kpis'), () => HttpResponse.json(kpis())),
    http.get(`${entityUrl(entityRef, 'kpis')}/trend`, () =>
      HttpResponse.json(kpiTrend()),
    ),
    // The on-call card asks for the owning team's rota alongside the
    // entity's own; an owner not served above has none.
    http.get(entityUrl('group:default/:name', 'oncall'), () =>
      HttpResponse.json(onCallDetail([], [])),
    ),
  ];
}
