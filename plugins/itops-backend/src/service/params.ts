import { makeValidator } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { TimeRange } from '../read/records';

/** One day in milliseconds. */
export const DAY_MS = 24 * 60 * 60 * 1000;

const VALIDATORS = makeValidator();

/** The entity ref addressed by `/entities/:kind/:namespace/:name/...`. */
export function entityRefOf(params: {
  kind: string;
  namespace: string;
  name: string;
}): string {
  // The catalog's own rules: a part outside them names no entity, and would
  // otherwise fail deep inside whatever parses the ref.
  const invalid = (
    [
      ['kind', params.kind, VALIDATORS.isValidKind],
      ['namespace', params.namespace, VALIDATORS.isValidNamespace],
      ['name', params.name, VALIDATORS.isValidEntityName],
    ] as const
  ).find(([, value, valid]) => !valid(value));
  if (invalid) {
    throw new InputError(
      `Path parameter '${invalid[0]}' is not a valid entity ${
        invalid[0]
      }: ${JSON.stringify(invalid[1].slice(0, 100))}`,
    );
  }
  return `${params.kind}:${params.namespace}/${params.name}`;
}

/**
 * The optional `from` and `to` query parameters as epoch ms (the OpenAPI
 * validator has already checked they are date-times). Errors name the
 * offending parameter.
 */
export function optionalRangeOf(
  query: { from?: string; to?: string },
  maxDays: number,
): Partial<TimeRange> {
  const from = query.from === undefined ? undefined : Date.parse(query.from);
  const to = query.to === undefined ? undefined : Date.parse(query.to);
  if (from !== undefined && to !== undefined) {
    if (to <= from) {
      throw new InputError(`Query parameter 'to' must be after 'from'`);
    }
    if (to - from > maxDays * DAY_MS) {
      throw new InputError(
        `Query parameters 'from' and 'to' span more than ${maxDays} days`,
      );
    }
  }
  return { from, to };
}

/** Like {@link optionalRangeOf}, with a fallback for absent parameters. */
export function rangeOf(
  query: { from?: string; to?: string },
  options: { fallback: TimeRange; maxDays: number },
): TimeRange {
  const { from, to } = optionalRangeOf(
    {
      from: query.from ?? new Date(options.fallback.from).toISOString(),
      to: query.to ?? new Date(options.fallback.to).toISOString(),
    },
    options.maxDays,
  );
  return { from: from!, to: to! };
}
