import type { SimResponse } from '../types';
import { pageWindow, paginationHeaders } from './paging';
import { errorBody, jsonResponse, notFound } from './responses';
import { knownFieldCheck, queryFromParams } from './query';
import type { Viewer } from './quirks';
import type { TableSchema } from './schema';
import { fieldReader, select } from './select';
import type { Database, SnRow } from './store';

type DisplayMode = 'false' | 'true' | 'all';

interface RenderOptions {
  fields: string[];
  display: DisplayMode;
  excludeLinks: boolean;
  baseUrl: string;
  /** Zone of date-time display values; undefined: UTC. */
  timeZone?: string;
  /** The caller's ACLs, which also blank what a dot-walk reads of a hidden row. */
  viewer: Viewer;
}

/** Everyone sees everything, in UTC. */
const OPEN_VIEW: Viewer = { hides: () => false };

/**
 * `GET /api/now[/v1|/v2]/table/{table}[/{sys_id}]`. `url.pathname` has
 * already been matched; `version` is `v1`, `v2` or undefined (= latest).
 */
export function handleTableGet(
  db: Database,
  url: URL,
  tableName: string,
  sysId: string | undefined,
  version: string | undefined,
  now: Date,
  viewer: Viewer = OPEN_VIEW,
): SimResponse {
  const table = db.table(tableName);
  if (!table) {
    return jsonResponse(400, errorBody(`Invalid table ${tableName}`, null));
  }
  const params = url.searchParams;
  const schemaOf = (name: string) => db.table(name)?.schema;
  const isKnown = knownFieldCheck(table.schema, schemaOf);
  const render: RenderOptions = {
    // A column a field ACL hides is left out of the row, as on an instance.
    fields: requestedFields(
      params.get('sysparm_fields'),
      table.schema,
      isKnown,
    ).filter(field => !viewer.hidesColumn?.(tableName, field.split('.')[0])),
    display: displayMode(params.get('sysparm_display_value')),
    excludeLinks: params.get('sysparm_exclude_reference_link') === 'true',
    baseUrl: url.origin,
    timeZone: viewer.timeZone,
    viewer,
  };

  if (sysId !== undefined) {
    const row = table.bySysId(sysId);
    if (!row || viewer.hides(tableName, row)) {
      return notFound();
    }
    return jsonResponse(200, {
      result: renderRow(db, table.schema, row, render),
    });
  }

  const query = queryFromParams(params, isKnown, now);
  const selection = select(table, query, fieldReader(db, table.schema));
  const { offset, limit } = pageWindow(params);
  // The limit applies before ACLs: hidden rows leave the page short while
  // the count and the Link header still include them.
  const rows = selection
    .page(offset, limit)
    .filter(row => !viewer.hides(tableName, row));
  if (rows.length === 0 && version === 'v1') {
    return notFound();
  }
  const headers = paginationHeaders(
    url,
    offset,
    limit,
    selection.total,
    rows.length,
  );
  return jsonResponse(
    200,
    { result: rows.map(row => renderRow(db, table.schema, row, render)) },
    headers,
  );
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** A UTC date-time value as the caller's zone shows it; other values as they are. */
function shownIn(value: string, timeZone: string | undefined): string {
  const match = timeZone ? DATE_TIME.exec(value) : null;
  if (!match) {
    return value;
  }
  let format = zoneFormats.get(timeZone!);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    zoneFormats.set(timeZone!, format);
  }
  const [, y, mo, d, h, mi, sec] = match;
  const parts = Object.fromEntries(
    format
      .formatToParts(new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +sec)))
      .map(p => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

function displayMode(text: string | null): DisplayMode {
  return text === 'true' || text === 'all' ? text : 'false';
}

function requestedFields(
  text: string | null,
  schema: TableSchema,
  isKnown: (field: string) => boolean,
): string[] {
  if (!text) {
    return [...schema.fields];
  }
  // Unknown names are ignored, as ServiceNow does.
  return text
    .split(',')
    .map(field => field.trim())
    .filter(field => field && isKnown(field));
}

type Rendered = string | Record<string, string>;

function renderRow(
  db: Database,
  schema: TableSchema,
  row: SnRow,
  options: RenderOptions,
): Record<string, Rendered> {
  const out: Record<string, Rendered> = {};
  for (const field of options.fields) {
    out[field] = renderField(db, schema, row, field, options);
  }
  return out;
}

function renderField(
  db: Database,
  schema: TableSchema,
  row: SnRow,
  path: string,
  options: RenderOptions,
): Rendered {
  // Walk dotted paths to the row and schema that own the last column.
  const parts = path.split('.');
  let owner: SnRow | undefined = row;
  let ownerSchema: TableSchema | undefined = schema;
  for (const part of parts.slice(0, -1)) {
    const target: string | undefined = ownerSchema?.references[part];
    owner = target ? db.lookup(target, owner?.[part] ?? '') : undefined;
    // A row the caller may not read shows nothing through a reference.
    if (owner && options.viewer.hides(target!, owner)) {
      owner = undefined;
    }
    ownerSchema = target ? db.table(target)?.schema : undefined;
  }
  const field = parts[parts.length - 1];
  const value = owner?.[field] ?? '';
  const target = ownerSchema?.references[field];

  if (target) {
    const link = `${options.baseUrl}/api/now/table/${target}/${value}`;
    const found = db.lookup(target, value);
    const referenced =
      found && !options.viewer.hides(target, found) ? found : undefined;
    const display = referenced
      ? referenced[db.table(target)!.schema.displayField] ?? ''
      : '';
    if (options.display === 'false') {
      if (!value || options.excludeLinks) {
        return value;
      }
      return { link, value };
    }
    if (options.display === 'true') {
      if (!value || options.excludeLinks) {
        return display;
      }
      return { display_value: display, link };
    }
    return value && !options.excludeLinks
      ? { display_value: display, link, value }
      : { display_value: display, value };
  }

  const label =
    ownerSchema?.choices[field]?.[value] ?? shownIn(value, options.timeZone);
  if (options.display === 'true') {
    return label;
  }
  if (options.display === 'all') {
    return { display_value: label, value };
  }
  return value;
}
