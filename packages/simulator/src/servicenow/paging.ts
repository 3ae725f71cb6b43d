/** ServiceNow's default (and the simulator's maximum) page size. */
const DEFAULT_LIMIT = 10000;

export function pageWindow(params: URLSearchParams): {
  offset: number;
  limit: number;
} {
  const offset = Math.max(0, integer(params.get('sysparm_offset'), 0));
  const limit = Math.max(
    1,
    Math.min(
      DEFAULT_LIMIT,
      integer(params.get('sysparm_limit'), DEFAULT_LIMIT),
    ),
  );
  return { offset, limit };
}

function integer(text: string | null, fallback: number): number {
  const n = Number.parseInt(text ?? '', 10);
  return Number.isFinite(n) ? n : fallback;
}

/**
 * `X-Total-Count` unless `sysparm_no_count=true`, and the `Link` header
 * unless `sysparm_suppress_pagination_header=true`.
 */
export function paginationHeaders(
  url: URL,
  offset: number,
  limit: number,
  total: number,
  returned: number,
): Record<string, string> {
  const params = url.searchParams;
  const headers: Record<string, string> = {};
  const noCount = params.get('sysparm_no_count') === 'true';
  if (!noCount) {
    headers['X-Total-Count'] = String(total);
  }
  if (params.get('sysparm_suppress_pagination_header') !== 'true') {
    headers.Link = linkHeader(
      url,
      offset,
      limit,
      noCount ? undefined : total,
      returned,
    );
  }
  return headers;
}

/**
 * The RFC 5988 `Link` header: no spaces, rels in the order first, prev,
 * next, last, the request's other parameters echoed; `prev` is present even
 * on the first page (with a negative offset), as ServiceNow emits it.
 * Without a count, `next` follows from a full page and `last` is unknown.
 */
function linkHeader(
  url: URL,
  offset: number,
  limit: number,
  total: number | undefined,
  returned: number,
): string {
  const at = (pageOffset: number) => {
    const link = new URL(url.href);
    link.searchParams.set('sysparm_limit', String(limit));
    link.searchParams.set('sysparm_offset', String(pageOffset));
    return link.href;
  };
  const links = [
    `<${at(0)}>;rel="first"`,
    `<${at(offset - limit)}>;rel="prev"`,
  ];
  const hasNext =
    total === undefined ? returned === limit : offset + limit < total;
  if (hasNext) {
    links.push(`<${at(offset + limit)}>;rel="next"`);
  }
  if (total !== undefined) {
    const last = Math.max(0, Math.floor((total - 1) / limit) * limit);
    links.push(`<${at(last)}>;rel="last"`);
  }
  return links.join(',');
}
