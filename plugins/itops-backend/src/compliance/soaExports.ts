import type { SoaVersion } from '@backstage-itops/plugin-itops-common';
import { csvCell, escapeHtml } from './exports';

const IMPLEMENTATION_LABEL: Record<string, string> = {
  automated: 'Automated checks',
  attested: 'Attested',
  manual: 'Manual evidence',
  excluded: 'Excluded',
};

const pct = (score: number | null) =>
  score === null ? '' : `${Math.round(score * 100)} %`;

/** An SoA version as CSV: one row per control, from what the version stored. */
export function soaToCsv(soa: SoaVersion): string {
  const header = [
    'control',
    'label',
    'theme',
    'applicable',
    'justification',
    'implementation',
    'score',
    'judged_results',
    'checks',
    'attestations',
  ];
  const lines = [header.join(',')];
  for (const e of soa.content.entries) {
    lines.push(
      [
        e.control,
        e.label,
        e.theme,
        e.applicable ? 'yes' : 'no',
        e.justification ?? '',
        e.implementation,
        e.score === null ? '' : e.score.toFixed(4),
        e.judgedResults,
        e.checks.map(c => `${c.id} v${c.version}`).join('; '),
        e.attestations
          .map(a => `${a.entityRef} by ${a.attestedBy} until ${a.expiresAt}`)
          .join('; '),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** A printable page of an SoA version, with its hashes and integrity. */
export function soaToHtml(
  soa: SoaVersion,
  integrity: { ok: boolean; problems: string[] },
): string {
  const rows = soa.content.entries
    .map(
      e =>
        `<tr><td>${escapeHtml(e.control)}</td><td>${escapeHtml(
          e.label,
        )}</td><td>${escapeHtml(e.theme)}</td><td>${
          e.applicable ? 'Yes' : 'No'
        }</td><td>${escapeHtml(e.justification ?? '')}</td><td>${escapeHtml(
          IMPLEMENTATION_LABEL[e.implementation] ?? e.implementation,
        )}</td><td>${escapeHtml(pct(e.score))}</td><td>${escapeHtml(
          e.checks.map(c => `${c.id} v${c.version}`).join(', ') || '—',
        )}</td><td>${e.attestations.length}</td></tr>`,
    )
    .join('\n');
  const excluded = soa.content.entries.filter(e => !e.applicable).length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Statement of Applicability v${soa.version}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:4px;font-size:12px;text-align:left;vertical-align:top}.meta{color:#444}</style>
</head><body>
<h1>Statement of Applicability, version ${soa.version}</h1>
<p class="meta">Framework ${escapeHtml(soa.content.framework)} ${escapeHtml(
    soa.content.frameworkVersion,
  )}; approved by ${escapeHtml(soa.approvedBy)} on ${escapeHtml(
    soa.approvedAt,
  )}${
    soa.comment ? ` (${escapeHtml(soa.comment)})` : ''
  }. Scores from snapshot ${escapeHtml(soa.content.snapshotId ?? 'none')}. ${
    soa.content.entries.length
  } controls, ${excluded} excluded.</p>
<p class="meta">Content hash ${escapeHtml(
    soa.contentHash,
  )}; chain hash ${escapeHtml(soa.chainHash)}; previous ${escapeHtml(
    soa.prevHash ?? 'none',
  )}. Integrity: ${
    integrity.ok
      ? 'content and chain hashes verified'
      : `FAILED: ${escapeHtml(integrity.problems.join('; '))}`
  }. Rendered from what this version stored, not from today's configuration. An attestation is evidence, not proof: attested controls carry no score.</p>
<table><thead><tr><th>Control</th><th>Label</th><th>Theme</th><th>Applicable</th><th>Justification for exclusion</th><th>Implementation</th><th>Score</th><th>Checks</th><th>Attestations</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}
