import type { ScaleOptions } from '../types';
import { Random } from '../world/random';
import { draftChange, draftIncident } from './generate';
import type { IssueRecord } from './issue';
import type { Site } from './site';
import type { IssueBase } from './store';
import { DAY, HOUR } from './time';

const SPAN = 90 * DAY;

/**
 * Scale mode: `incidents + changes` issues derived from (seed, index) on
 * demand, never held in memory. Index order is (updated, id) order:
 * `updated` grows with the index over the 90 days before `origin`, and ids
 * follow the index, so a sync walk is a range of indexes.
 */
export function scaleBase(
  seed: number,
  site: Site,
  origin: number,
  scale: Pick<ScaleOptions, 'incidents' | 'changes'>,
): IssueBase {
  const count = Math.max(0, scale.incidents) + Math.max(0, scale.changes);
  const projects = site.projects;
  const start = origin - SPAN;
  const updatedAt = (index: number) =>
    start + Math.floor((index * (SPAN - HOUR)) / Math.max(1, count));
  // Spreads the changes evenly among the incidents.
  const isChange = (index: number) =>
    Math.floor(((index + 1) * scale.changes) / count) >
    Math.floor((index * scale.changes) / count);

  const at = (index: number): IssueRecord => {
    const random = Random.derive(seed, 'scale', index);
    const project = projects[index % projects.length];
    const updated = updatedAt(index);
    const draft = isChange(index)
      ? draftChange(
          random,
          site,
          project,
          updated +
            (random.chance(0.1) ? 1 : -1) * random.int(1, 30 * 24) * HOUR,
          updated,
        )
      : draftIncident(
          random,
          site,
          project,
          updated - Math.round(random.logNormal(6, 1.2) * HOUR),
          updated,
        );
    return {
      ...draft,
      created: Math.min(draft.created, updated),
      updated,
      id: 10001 + index,
      number: Math.floor(index / projects.length) + 1,
    };
  };

  const indexOf = (keyOrId: string): number => {
    if (/^\d+$/.test(keyOrId)) {
      return Number(keyOrId) - 10001;
    }
    const match = /^([A-Z]+)-(\d+)$/.exec(keyOrId.toUpperCase());
    const project = match ? projects.findIndex(p => p.key === match[1]) : -1;
    return match && project >= 0
      ? (Number(match[2]) - 1) * projects.length + project
      : -1;
  };

  return {
    count,
    at,
    updatedAt,
    find: keyOrId => {
      const index = indexOf(keyOrId);
      return index >= 0 && index < count ? at(index) : undefined;
    },
    lastNumber: projectKey => {
      const project = projects.findIndex(p => p.key === projectKey);
      return project < 0 || count <= project
        ? 0
        : Math.floor((count - 1 - project) / projects.length) + 1;
    },
    lastId: () => 10000 + count,
  };
}
