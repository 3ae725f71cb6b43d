import type {
  CheckDefinition,
  ComplianceFramework,
  ComplianceSnapshot,
} from '@backstage-itops/plugin-itops-common';
import { SCORE_RULE_TEXT } from '@backstage-itops/plugin-itops-common';
import type { SnapshotAttestation } from './snapshotAttestations';
import type { StoredResult } from './SnapshotStore';
import { checksOf, frameworkSummaryOf } from './views';

/** Whether a snapshot's stored results and fields still match its hashes. */
export interface SnapshotIntegrity {
  contentHashMatches: boolean;
  /** Undefined for a snapshot taken before hash chaining. */
  chainHashMatches?: boolean;
  /** Undefined for a snapshot taken before snapshots recorded attestations. */
  attestationsHashMatches?: boolean;
}

const CSV_COLUMNS = [
  'snapshot_id',
  'taken_at',
  'entity_ref',
  'owner_ref',
  'system_ref',
  'tier',
  'check_id',
  'check_version',
  'check_title',
  'controls',
  'status',
  'underlying_status',
  'value',
  'numerator',
  'denominator',
  'small_sample',
  'reason',
  'waiver_id',
  'evidence_total',
  'evidence',
];

/**
 * One CSV cell. Cells a spreadsheet would run as a formula get a leading
 * quote, since evidence text comes from source systems.
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function controlsOf(check: CheckDefinition | undefined): string {
  return (check?.mappings ?? [])
    .map(m => `${m.framework}:${m.control}`)
    .join('; ');
}

/** All results of a snapshot with their evidence links, one row each. */
export function toCsv(
  results: readonly StoredResult[],
  checks: readonly CheckDefinition[],
): string {
  const byId = new Map(checks.map(c => [c.id, c]));
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of results) {
    const check = byId.get(r.checkId);
    lines.push(
      [
        r.snapshotId,
        r.takenAt,
        r.entityRef,
        r.ownerRef,
        r.systemRef,
        r.tier,
        r.checkId,
        r.checkVersion,
        check?.title,
        controlsOf(check),
        r.status,
        r.underlyingStatus,
        r.value,
        r.numerator,
        r.denominator,
        r.smallSample ? 'true' : '',
        r.reason,
        r.waiverId,
        r.evidenceTotal,
        r.evidence
          .map(
            e =>
              `${e.type}:${e.id}${e.url ? ` <${e.url}>` : ''}${
                e.note ? ` (${e.note})` : ''
              }`,
          )
          .join('; '),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function pct(score: number | null): string {
  return score === null ? '—' : `${Math.round(score * 100)} %`;
}

const STATUS_LABEL: Record<string, string> = {
  pass: 'Pass',
  warn: 'Warn',
  fail: 'Fail',
  not_applicable: 'N/A',
  exempt: 'Exempt',
  no_data: 'No data',
  error: 'Error',
  manual: 'Manual evidence required',
};

/**
 * A print-styled HTML report of one framework at a snapshot: the score,
 * every control with its status and the entities failing it, and the
 * exemptions with their waivers, for an auditor to print or save as PDF.
 */
export function toHtmlReport(options: {
  framework: ComplianceFramework;
  checks: readonly CheckDefinition[];
  snapshot: ComplianceSnapshot;
  results: readonly StoredResult[];
  generatedAt: string;
  integrity?: SnapshotIntegrity;
  /** As the snapshot recorded them; undefined when it predates recording them. */
  attestations?: readonly SnapshotAttestation[];
}): string {
  const { framework, checks, snapshot, generatedAt } = options;
  const attestations = (options.attestations ?? []).filter(
    a => a.framework === framework.id,
  );
  const attestationsOf = (control: string) =>
    attestations.filter(a => a.control === control);
  const ids = new Set(checksOf(checks, framework.id));
  const results = options.results.filter(r => ids.has(r.checkId));
  const summary = frameworkSummaryOf(framework, checks, options.results);
  const { counts, controls } = summary;
  const findings = (control: { checks: string[] }) =>
    results.filter(
      r =>
        control.checks.includes(r.checkId) &&
        ['fail', 'error', 'warn', 'no_data'].includes(r.status),
    );
  const exemptions = results.filter(r => r.status === 'exempt');
  const rows = controls
    .map(control => {
      const list = findings(control);
      return `<tr class="s-${control.status}">
  <td>${escapeHtml(control.id)}</td><td>${escapeHtml(
        control.label,
      )}</td><td>${escapeHtml(control.theme)}</td>
  <td>${escapeHtml(
    attestedLabel(control.status, attestationsOf(control.id)) ??
      STATUS_LABEL[control.status],
  )}${
        control.waivedEntities > 0
          ? `, ${control.waivedEntities} of ${control.judgedEntities} ${
              control.judgedEntities === 1 ? 'entity' : 'entities'
            } waived`
          : ''
      }</td><td>${escapeHtml(control.checks.join(', ') || '—')}</td>
  <td>${
    list.length === 0
      ? ''
      : `<ul>${list
          .slice(0, 20)
          .map(
            r =>
              `<li>${escapeHtml(r.entityRef)} · ${escapeHtml(
                r.checkId,
              )} · ${escapeHtml(STATUS_LABEL[r.status])}: ${escapeHtml(
                r.reason,
              )}</li>`,
          )
          .join('')}${
          list.length > 20
            ? `<li>… and ${list.length - 20} more (see the CSV export)</li>`
            : ''
        }</ul>`
  }</td>
</tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>${escapeHtml(framework.name)} compliance report, ${escapeHtml(
    snapshot.takenAt,
  )}</title>
<style>
body { font: 11pt/1.4 system-ui, sans-serif; margin: 2em; color: #111; }
h1 { font-size: 18pt; margin-bottom: 0; }
table { border-collapse: collapse; width: 100%; margin-top: 1em; }
th, td { border: 1px solid #999; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #eee; }
ul { margin: 0; padding-left: 1.2em; }
.s-fail td:nth-child(4), .s-error td:nth-child(4) { background: #f8d0d0; }
.s-warn td:nth-child(4) { background: #fbeac0; }
.s-pass td:nth-child(4) { background: #d3efd3; }
.s-exempt td:nth-child(4) { background: #dde3f5; }
.meta { color: #444; }
@media print { body { margin: 0; } tr { break-inside: avoid; } a { color: inherit; } }
</style></head>
<body>
<h1>${escapeHtml(framework.name)}: compliance report</h1>
<p class="meta">State as of snapshot ${escapeHtml(
    snapshot.id,
  )} taken ${escapeHtml(snapshot.takenAt)} (${escapeHtml(snapshot.trigger)}), ${
    snapshot.entityCount
  } entities.
Content hash ${escapeHtml(
    snapshot.contentHash,
  )}; check catalogue hash ${escapeHtml(
    snapshot.catalogueHash,
  )}; chain hash ${escapeHtml(
    snapshot.chainHash ?? 'none (taken before hash chaining)',
  )}.
${
  options.integrity
    ? `Integrity when generated: the results ${
        options.integrity.contentHashMatches ? 'match' : 'DO NOT match'
      } the content hash${
        options.integrity.chainHashMatches === undefined
          ? ''
          : `, the chain hash ${
              options.integrity.chainHashMatches ? 'matches' : 'DOES NOT match'
            } the snapshot`
      }${
        options.integrity.attestationsHashMatches === undefined
          ? ''
          : `, the recorded attestations ${
              options.integrity.attestationsHashMatches
                ? 'match'
                : 'DO NOT match'
            } their hash`
      }.`
    : ''
}
Thresholds, check versions and control mappings are those recorded with the snapshot. Generated ${escapeHtml(
    generatedAt,
  )}.</p>
<p><strong>Score ${pct(summary.score)}</strong>
(pass ${counts.pass}, warn ${counts.warn}, fail ${counts.fail}, no data ${
    counts.no_data
  }, error ${counts.error}, exempt ${counts.exempt}; not applicable ${
    counts.not_applicable
  } left out). ${escapeHtml(SCORE_RULE_TEXT)}
Score if waivers held: ${pct(summary.scoreIfWaiversHeld)}.
Controls without an automated check need manual evidence; a high score does not by itself mean the framework is met.</p>
<table><thead><tr><th>Control</th><th>Label</th><th>Theme</th><th>Status</th><th>Checks</th><th>Findings</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Exemptions</h2>
${
  exemptions.length === 0
    ? '<p>None.</p>'
    : `<table><thead><tr><th>Entity</th><th>Check</th><th>Underlying status</th><th>Waiver</th><th>Reason</th></tr></thead><tbody>
${exemptions
  .map(
    r =>
      `<tr><td>${escapeHtml(r.entityRef)}</td><td>${escapeHtml(
        r.checkId,
      )}</td><td>${escapeHtml(
        STATUS_LABEL[r.underlyingStatus ?? ''] ?? r.underlyingStatus,
      )}</td><td>${escapeHtml(r.waiverId)}</td><td>${escapeHtml(
        r.reason,
      )}</td></tr>`,
  )
  .join('\n')}
</tbody></table>`
}
<h2>Attestations in force when the snapshot was taken</h2>
${attestationsSection(options.attestations, attestations)}
${
  framework.attribution
    ? `<p class="meta">${escapeHtml(framework.attribution)}</p>`
    : ''
}
</body></html>
`;
}

/**
 * The status a manual control shows with the attestations the snapshot
 * recorded for it: attested (evidence, not a check result) while one was
 * in force, no data when all had expired. Controls with checks keep their
 * checks' status, as attestedControlStatus rules.
 */
function attestedLabel(
  status: string,
  recorded: readonly SnapshotAttestation[],
): string | undefined {
  if (status !== 'manual' || recorded.length === 0) return undefined;
  const active = new Set(
    recorded.filter(a => a.state === 'active').map(a => a.entityRef),
  );
  if (active.size === 0) return 'No data: attestation expired';
  return `Attested for ${active.size} ${
    active.size === 1 ? 'entity' : 'entities'
  } (a statement, not a check result)`;
}

function attestationsSection(
  all: readonly SnapshotAttestation[] | undefined,
  own: readonly SnapshotAttestation[],
): string {
  if (!all) {
    return '<p>Not recorded: this snapshot was taken before snapshots recorded the attestations in force.</p>';
  }
  if (own.length === 0) return '<p>None.</p>';
  return `<table><thead><tr><th>Control</th><th>Entity</th><th>State then</th><th>Attested by</th><th>Attested</th><th>Expires</th><th>Statement</th><th>Evidence</th></tr></thead><tbody>
${own
  .map(
    a =>
      `<tr><td>${escapeHtml(a.control)}</td><td>${escapeHtml(
        a.entityRef,
      )}</td><td>${escapeHtml(
        a.state === 'active' ? 'In force' : 'Expired',
      )}</td><td>${escapeHtml(a.attestedBy)}</td><td>${escapeHtml(
        a.attestedAt,
      )}</td><td>${escapeHtml(a.expiresAt)}</td><td>${escapeHtml(
        a.statement,
      )}</td><td><a href="${escapeHtml(a.evidenceUrl)}">${escapeHtml(
        a.evidenceUrl,
      )}</a></td></tr>`,
  )
  .join('\n')}
</tbody></table>`;
}
