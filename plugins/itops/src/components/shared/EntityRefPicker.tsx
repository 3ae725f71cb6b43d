import {
  type Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';

/** How many matches the picker offers at once. */
const LIMIT = 25;

const FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.title',
];

/** "Payments API (component:default/payments-api)", or the ref alone. */
function optionLabel(ref: string, titles: Map<string, string>): string {
  const title = titles.get(ref);
  return title ? `${title} (${ref})` : ref;
}

/**
 * Catalog entities of some kinds as an autocomplete, found by name or title
 * as the user types (the catalog's full-text query, a page at a time, so a
 * large catalog is never loaded whole). The value is entity refs; refs not
 * found in the catalog can still be typed and kept.
 */
export function EntityRefPicker(props: {
  id: string;
  label: string;
  kinds: string[];
  value: string[];
  onChange(refs: string[]): void;
  multiple?: boolean;
  placeholder?: string;
}) {
  const { id, label, kinds, value, onChange, multiple, placeholder } = props;
  const catalogApi = useApi(catalogApiRef);
  const [input, setInput] = useState('');
  const [term, setTerm] = useState('');
  useDebounce(() => setTerm(input), 250, [input]);

  const matches = useAsync(async () => {
    const { items } = await catalogApi.queryEntities({
      filter: { kind: kinds },
      fullTextFilter: term.trim()
        ? { term: term.trim(), fields: ['metadata.name', 'metadata.title'] }
        : undefined,
      fields: FIELDS,
      limit: LIMIT,
      orderFields: { field: 'metadata.name', order: 'asc' },
    });
    return items;
  }, [catalogApi, kinds.join(','), term]);

  const found: Entity[] = matches.value ?? [];
  const titles = new Map(
    found
      .filter(entity => entity.metadata.title)
      .map(entity => [stringifyEntityRef(entity), entity.metadata.title!]),
  );
  const options = [
    ...new Set([...value, ...found.map(entity => stringifyEntityRef(entity))]),
  ];
  const normalise = (text: string) => {
    try {
      return stringifyEntityRef(
        parseEntityRef(text.trim(), { defaultKind: kinds[0] }),
      );
    } catch {
      return undefined;
    }
  };

  return (
    <Autocomplete<string, boolean, false, true>
      id={id}
      multiple={multiple}
      freeSolo
      size="small"
      style={{ minWidth: 260 }}
      options={options}
      loading={matches.loading}
      value={multiple ? value : value[0] ?? null}
      inputValue={input}
      onInputChange={(_, text) => setInput(text)}
      getOptionLabel={ref => optionLabel(ref, titles)}
      filterOptions={x => x}
      onChange={(_, selected) => {
        let chosen: string[] = [];
        if (Array.isArray(selected)) chosen = selected;
        else if (selected) chosen = [selected];
        const list = chosen
          .map(normalise)
          .filter((ref): ref is string => ref !== undefined);
        onChange([...new Set(list)]);
      }}
      renderInput={params => (
        <TextField
          {...params}
          label={label}
          variant="outlined"
          placeholder={value.length ? undefined : placeholder}
        />
      )}
    />
  );
}
