import type { CheckModel } from '../../checks/check.model';
import { isRootCause, type Finding } from '../../common/finding';
import type { HealthReport } from '../health/health.report';

/**
 * Check reports a user can save or send to their provider: JSON (the API object), Markdown, and a
 * single self-contained HTML page (inline CSS, no scripts, no external resources). Every string
 * that came from outside (targets, DNS records, server replies, error texts) is escaped; the page
 * is also served with a CSP that forbids scripts, as a second line of defence.
 */
export type ExportFormat = 'json' | 'md' | 'html';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'md', 'html'];

const SEVERITY_ORDER = ['critical', 'error', 'warning', 'info'] as const;

export function escapeHtml(s: string | number | null | undefined): string {
  return String(s ?? '').replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Markdown: neutralise inline HTML and the characters that would restructure the document. */
export function escapeMd(s: string | number | null | undefined): string {
  return String(s ?? '')
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_{}[\]()#+!|<>&~]/g, (c) =>
      c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`,
    );
}

function healthOf(c: CheckModel): HealthReport | undefined {
  const r = c.result as Partial<HealthReport> | undefined;
  return c.kind === 'health' && r && typeof r.grade === 'string' && Array.isArray(r.areas)
    ? (r as HealthReport)
    : undefined;
}

function ordered(c: CheckModel): Finding[] {
  // A health report is already ordered by impact; other kinds by severity. A root cause (a finding
  // others were folded under: src/findings/grading.ts) comes first either way.
  const all = c.findings as Finding[];
  const sorted = healthOf(c)
    ? all
    : [...all].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  return [...sorted.filter(isRootCause), ...sorted.filter((f) => !isRootCause(f))];
}

export function renderJson(c: CheckModel): string {
  return `${JSON.stringify(c, null, 2)}\n`;
}

export function renderMarkdown(c: CheckModel): string {
  const h = healthOf(c);
  const out: string[] = [`# smtp-doctor report: ${escapeMd(c.kind)} ${escapeMd(c.target)}`, ''];
  out.push(
    `- Check: \`${c.id}\``,
    `- Status: ${escapeMd(c.status)}`,
    `- Verdict: ${escapeMd(c.verdict ?? 'n/a')}`,
    `- Score: ${c.score ?? 'n/a'}`,
  );
  if (h) out.push(`- Grade: **${escapeMd(h.grade)}** (formula ${escapeMd(h.formula)})`);
  out.push(`- Created: ${escapeMd(c.createdAt)}${c.completedAt ? `, completed: ${escapeMd(c.completedAt)}` : ''}`);
  if (c.error) out.push(`- Error: ${escapeMd(c.error)}`);
  if (h) {
    out.push('', '## Areas', '', '| Area | Status | Score |', '| --- | --- | --- |');
    for (const a of h.areas) out.push(`| ${escapeMd(a.label)} | ${escapeMd(a.status)} | ${a.score ?? 'n/a'} |`);
  }
  const fs = ordered(c);
  out.push('', `## Findings (${fs.length})`, '');
  if (!fs.length) out.push('No problems found.');
  for (const f of fs) {
    out.push(
      `### ${isRootCause(f) ? 'Root cause: ' : ''}${escapeMd(f.severity.toUpperCase())} ${escapeMd(f.code)}: ${escapeMd(f.title)}`,
      '',
      escapeMd(f.detail),
      '',
      `**Fix:** ${escapeMd(f.remediation)}`,
    );
    if (f.references?.length) out.push('', ...f.references.map((r) => `- ${escapeMd(r)}`));
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

const CSS = `body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
h1{font-size:1.5rem;margin-bottom:.2rem}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #d5d9e0;padding:.3rem .7rem;text-align:left}
.meta{color:#59606e}.grade{display:inline-block;font-size:2.5rem;font-weight:700;width:4rem;text-align:center;border-radius:.5rem;color:#fff}
.g-A{background:#1a7f37}.g-B{background:#4c9a2a}.g-C{background:#b08800}.g-D{background:#c2570c}.g-F{background:#cf222e}
.f{border-left:4px solid #8c959f;padding:.4rem .8rem;margin:.8rem 0;background:#f6f8fa}.critical,.error{border-color:#cf222e}.warning{border-color:#bf8700}.info{border-color:#0969da}
.s-pass{color:#1a7f37}.s-warn{color:#9a6700}.s-fail{color:#cf222e}.s-unknown{color:#59606e}code,pre{font:13px ui-monospace,Menlo,Consolas,monospace}pre{white-space:pre-wrap;word-break:break-all;background:#eef1f4;padding:.5rem}`;

export function renderHtml(c: CheckModel): string {
  const e = escapeHtml;
  const h = healthOf(c);
  const parts: string[] = [];
  parts.push(`<h1>smtp-doctor report: ${e(c.kind)} ${e(c.target)}</h1>`);
  parts.push(
    `<p class="meta">Check <code>${e(c.id)}</code> &middot; ${e(c.status)} &middot; verdict ${e(c.verdict ?? 'n/a')} &middot; score ${e(c.score ?? 'n/a')} &middot; ${e(c.completedAt ?? c.createdAt)}</p>`,
  );
  if (c.error) parts.push(`<p><strong>Error:</strong> ${e(c.error)}</p>`);
  if (h) {
    const g = /^[A-F]$/.test(h.grade) ? h.grade : 'F';
    parts.push(
      `<p><span class="grade g-${g}">${e(h.grade)}</span> score ${e(h.score)}/100, formula ${e(h.formula)}</p>`,
    );
    parts.push('<table><thead><tr><th>Area</th><th>Status</th><th>Score</th></tr></thead><tbody>');
    for (const a of h.areas) {
      const s = ['pass', 'warn', 'fail', 'unknown'].includes(a.status) ? a.status : 'unknown';
      parts.push(
        `<tr><td>${e(a.label)}</td><td class="s-${s}">${e(a.status)}</td><td>${e(a.score ?? 'n/a')}</td></tr>`,
      );
    }
    parts.push('</tbody></table>');
  }
  const fs = ordered(c);
  parts.push(`<h2>Findings (${fs.length})</h2>`);
  if (!fs.length) parts.push('<p>No problems found.</p>');
  for (const f of fs) {
    const sev = SEVERITY_ORDER.includes(f.severity) ? f.severity : 'info';
    parts.push(
      `<div class="f ${sev}"><strong>${isRootCause(f) ? 'Root cause: ' : ''}${e(f.severity.toUpperCase())} ${e(f.code)}</strong>: ${e(f.title)}<p>${e(f.detail)}</p><p><strong>Fix:</strong> ${e(f.remediation)}</p>`,
    );
    // References are shown as text, not links: a report must not carry clickable URLs from data.
    if (f.references?.length)
      parts.push(`<ul>${f.references.map((r) => `<li><code>${e(r)}</code></li>`).join('')}</ul>`);
    if (f.evidence !== undefined)
      parts.push(`<details><summary>Evidence</summary><pre>${e(JSON.stringify(f.evidence, null, 2))}</pre></details>`);
    parts.push('</div>');
  }
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>smtp-doctor: ${e(c.kind)} ${e(c.target)}</title><style>${CSS}</style></head>
<body>
${parts.join('\n')}
<p class="meta">Generated by smtp-doctor.</p>
</body></html>
`;
}

export function renderCheck(
  c: CheckModel,
  format: ExportFormat,
): { body: string; contentType: string; extension: string } {
  switch (format) {
    case 'json':
      return { body: renderJson(c), contentType: 'application/json; charset=utf-8', extension: 'json' };
    case 'md':
      return { body: renderMarkdown(c), contentType: 'text/markdown; charset=utf-8', extension: 'md' };
    case 'html':
      return { body: renderHtml(c), contentType: 'text/html; charset=utf-8', extension: 'html' };
  }
}
