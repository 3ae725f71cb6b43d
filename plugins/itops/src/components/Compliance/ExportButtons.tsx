import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { itopsApiRef } from '../../api';
import { openHtml, saveBlob } from './exportFile';

/**
 * Auditor exports of one snapshot (all results with evidence links) and the
 * printable report of a framework at the snapshot's date.
 */
export function ExportButtons(props: {
  snapshotId: string;
  takenAt: string;
  framework: string;
  /** The date shown, when it is a past one. */
  at?: string;
}) {
  const api = useApi(itopsApiRef);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = (action: () => Promise<void>) => async () => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const base = `compliance-${props.takenAt.slice(
    0,
    10,
  )}-${props.snapshotId.slice(0, 8)}`;
  return (
    <>
      <ButtonGroup
        size="small"
        variant="outlined"
        disabled={busy}
        aria-label="Export"
      >
        <Button
          onClick={run(async () =>
            saveBlob(
              await api.downloadComplianceExport(props.snapshotId, 'csv'),
              `${base}.csv`,
            ),
          )}
        >
          Export CSV
        </Button>
        <Button
          onClick={run(async () =>
            saveBlob(
              await api.downloadComplianceExport(props.snapshotId, 'json'),
              `${base}.json`,
            ),
          )}
        >
          Export JSON
        </Button>
        <Button
          onClick={run(async () =>
            openHtml(await api.getComplianceReport(props.framework, props.at)),
          )}
        >
          Printable report
        </Button>
      </ButtonGroup>
      {error && (
        <Typography color="error" variant="body2" role="alert">
          Export failed: {error}
        </Typography>
      )}
    </>
  );
}
