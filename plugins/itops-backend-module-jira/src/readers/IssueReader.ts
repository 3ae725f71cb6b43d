import type {
  ItopsRecordReader,
  SyncBatch,
  SkippedRecord,
  SyncPartial,
  SyncRequest,
} from '@backstage-itops/plugin-itops-node';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { JiraClient } from '../client/JiraClient';
import type { JiraIssue } from '../client/types';
import type { IssueSyncConfig, JiraSiteConfig } from '../config';
import { jql, type JqlCondition, renderJql } from '../jql';
import {
  findMalformation,
  issueName,
  type MalformationRules,
} from '../malformed';
import { formatJqlDate, parseJiraTime } from '../time';

/** What a capability adds to the shared issue walk. */
export interface IssueConversion<T> {
  /** Fields to request besides nothing: the list is always explicit. */
  fields: string[];
  /** What an issue must hold to be converted; others are skipped. */
  malformation: MalformationRules;
  convert(issues: JiraIssue[], signal: AbortSignal): Promise<ConvertedPage<T>>;
}

/** A page's records, and the optional calls that failed for them. */
export interface ConvertedPage<T> {
  records: T[];
  partial?: SyncPartial[];
}

export interface IssueReaderOptions<T> {
  client: JiraClient;
  site: JiraSiteConfig;
  selection: IssueSyncConfig;
  /** Called once per run, e.g. to discover custom field ids. */
  prepare(signal: AbortSignal): Promise<IssueConversion<T>>;
  /** The time zone JQL dates are read in (the integration user's). */
  timeZone(signal: AbortSignal): Promise<string>;
  logger?: LoggerService;
}

/** How many skipped issues the sync status names. */

function updatedMs(issue: JiraIssue): number | undefined {
  const iso = parseJiraTime(issue.fields.updated);
  return iso === undefined ? undefined : Date.parse(iso);
}

/**
 * Reads one kind of issue (incidents, changes) page by page, ordered by
 * `updated`, so that the newest `updated` seen so far is a safe resume
 * point after every page.
 *
 * Incremental runs ask for `updated >= watermark − overlap`. JQL dates
 * have minute resolution, so the query starts at the minute before; what
 * it returns from before the bound was stored by the last run and is
 * dropped here. Within the overlap issues are read again on purpose,
 * because Jira's search index can lag behind a change. An issue seen twice
 * in one walk with the same `updated` (pages shifting under a live site) is
 * yielded once.
 */
export class IssueReader<T> implements ItopsRecordReader<T> {
  readonly #options: IssueReaderOptions<T>;

  constructor(options: IssueReaderOptions<T>) {
    this.#options = options;
  }

  /** The JQL of a run, given the lower bound on `updated` if incremental. */
  async query(lowerBound: number | undefined, signal: AbortSignal) {
    const { site, selection } = this.#options;
    const conditions: Array<JqlCondition | undefined> = [
      site.projects.length > 0 ? jql.in('project', site.projects) : undefined,
      selection.jql
        ? jql.raw(selection.jql)
        : jql.in('issuetype', selection.issueTypes),
    ];
    if (lowerBound !== undefined) {
      const timeZone = await this.#options.timeZone(signal);
      conditions.push(
        jql.compare('updated', '>=', formatJqlDate(lowerBound, timeZone)),
      );
    }
    return renderJql({
      where: jql.and(...conditions),
      orderBy: [{ field: 'updated', direction: 'ASC' }],
    });
  }

  async *read(request: SyncRequest): AsyncIterable<SyncBatch<T>> {
    const { client, site, prepare } = this.#options;
    const since =
      !request.full && request.watermark
        ? Date.parse(request.watermark)
        : undefined;
    const lowerBound =
      since === undefined || Number.isNaN(since)
        ? undefined
        : since - site.overlapMs;
    const conversion = await prepare(request.signal);
    const text = await this.query(lowerBound, request.signal);
    let newest = lowerBound === undefined ? undefined : since;
    // id@updated of the issues yielded within the last overlap, for
    // de-duplication; pruned as the walk moves on.
    const recent = new Map<string, number>();
    for await (const page of client.search({
      jql: text,
      fields: conversion.fields,
      pageSize: site.pageSize,
      signal: request.signal,
    })) {
      const fresh: JiraIssue[] = [];
      // Counted in the sync status; a full run keeps their stored copies.
      const skipped: SkippedRecord[] = [];
      for (const issue of page) {
        const updated = updatedMs(issue);
        if (updated !== undefined) {
          if (lowerBound !== undefined && updated < lowerBound) {
            continue;
          }
          newest = Math.max(newest ?? updated, updated);
        }
        const identity = `${issue.id}@${updated}`;
        if (recent.has(identity)) {
          continue;
        }
        recent.set(identity, updated ?? Number.POSITIVE_INFINITY);
        const malformed = findMalformation(issue, conversion.malformation);
        if (malformed) {
          skipped.push({
            externalId: String(issue.id),
            reason: `${issueName(issue)}: field ${
              malformed.field
            } is unreadable`,
          });
          this.#options.logger?.warn(
            `Jira site ${site.name}: skipped issue ${issueName(issue)}: field ${
              malformed.field
            } is unreadable (${malformed.value})`,
          );
          continue;
        }
        fresh.push(issue);
      }
      if (newest !== undefined) {
        for (const [identity, updated] of recent) {
          if (updated < newest - site.overlapMs) {
            recent.delete(identity);
          }
        }
      }
      const converted = await conversion.convert(fresh, request.signal);
      const partial = converted.partial ?? [];
      yield {
        records: converted.records,
        ...(partial.length > 0 ? { partial } : {}),
        ...(skipped.length > 0 ? { skipped } : {}),
        watermark:
          newest === undefined ? undefined : new Date(newest).toISOString(),
      };
    }
  }
}
