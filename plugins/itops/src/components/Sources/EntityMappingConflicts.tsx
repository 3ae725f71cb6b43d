import { WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import type { ReactElement } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { itopsApiRef } from '../../api';
import { conflictsOf, keeperText, sourceObjectText } from './conflictText';

/**
 * A warning on an entity's ITOps tab for each source object this entity
 * claims but does not get. Reading the conflicts needs
 * `itops.sync-status.read`: for anyone else (403) or when the backend
 * cannot say, nothing is shown, so the tab works as before.
 */
export function EntityMappingConflicts(props: {
  entityRef: string;
  /** Places the warning, e.g. in a grid item; not called without one. */
  wrap?: (panel: ReactElement) => ReactElement;
}) {
  const api = useApi(itopsApiRef);
  const { value } = useAsync(
    () => api.getMappingConflicts().catch(() => undefined),
    [api],
  );
  const mine = value ? conflictsOf(value.items, props.entityRef) : [];
  if (mine.length === 0) {
    return null;
  }
  const panel = (
    <WarningPanel
      severity="warning"
      title={`This entity's claim of ${mine.length} source object${
        mine.length > 1 ? 's was' : ' was'
      } not granted`}
      defaultExpanded
    >
      {mine.map(conflict => (
        <Typography
          variant="body2"
          component="p"
          key={`${conflict.type}:${conflict.value}`}
        >
          {sourceObjectText(conflict)}:{' '}
          {conflict.decision === 'refused' ? 'refused' : 'withheld'},{' '}
          {keeperText(conflict)}. {conflict.reason}
        </Typography>
      ))}
    </WarningPanel>
  );
  return props.wrap ? props.wrap(panel) : panel;
}
