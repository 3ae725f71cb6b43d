import type { IssueRenderer } from './render';
import type { IssueStore } from './store';

/**
 * Broken records, as real sites have them after imports, bad scripts or
 * plugins: three incidents (the three least recently updated) rendered
 * with an unreadable `created`, without their key, and with a status of no
 * known category. Searches still return them, among the others.
 */

export type Malformation = 'badDate' | 'missingKey' | 'unknownStatus';

const KINDS: readonly Malformation[] = [
  'badDate',
  'missingKey',
  'unknownStatus',
];

/** Which issues are broken how, chosen once from the store. */
export function pickMalformedIssues(
  store: IssueStore,
): Map<number, Malformation> {
  const picked = new Map<number, Malformation>();
  for (const issue of store.ascendingByUpdated()) {
    if (picked.size === KINDS.length) {
      break;
    }
    if (issue.issueType === 'Incident') {
      picked.set(issue.id, KINDS[picked.size]);
    }
  }
  return picked;
}

/** A renderer that breaks the picked issues while `enabled()` says so. */
export function malformingRenderer(
  renderer: IssueRenderer,
  picked: ReadonlyMap<number, Malformation>,
  enabled: () => boolean,
): IssueRenderer {
  return {
    ...renderer,
    render(
      issue,
      selection,
      context,
      bare,
    ): ReturnType<IssueRenderer['render']> {
      const rendered = renderer.render(issue, selection, context, bare);
      const kind = enabled() ? picked.get(issue.id) : undefined;
      if (!kind) {
        return rendered;
      }
      const broken: { key?: string; fields: Record<string, unknown> } = {
        ...rendered,
        fields: { ...rendered.fields },
      };
      switch (kind) {
        case 'badDate':
          if ('created' in broken.fields) {
            broken.fields.created = 'yesterday at noon';
          }
          break;
        case 'missingKey':
          delete broken.key;
          break;
        default:
          if ('status' in broken.fields) {
            broken.fields.status = {
              name: 'Quarantined',
              id: '99999',
              statusCategory: { id: 1, key: 'undefined', name: 'No Category' },
            };
          }
      }
      // Broken on purpose: not the shape the renderer's type promises.
      return broken as unknown as ReturnType<IssueRenderer['render']>;
    },
  };
}
