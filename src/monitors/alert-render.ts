import { escapeHtml } from '../reports/export/export.render';
import type { AlertChange, FindingSummary } from './alert-state';

/** Everything an alert says, whatever the channel (also the `monitor.alert` webhook payload). */
export interface AlertPayload {
  id: string;
  type: 'problem' | 'recovery';
  monitor: { id: string; name?: string; target: string };
  kind: string;
  checkId: string;
  change: AlertChange;
  /** Link to the stored check (report) that confirmed the change. */
  reportUrl: string;
  createdAt: string;
}

export function reportUrl(base: string | undefined, checkId: string): string {
  return `${base ?? ''}/v1/checks/${checkId}`;
}

function label(a: AlertPayload): string {
  return a.monitor.name ? `${a.monitor.name} (${a.monitor.target})` : a.monitor.target;
}

export function alertSubject(a: AlertPayload): string {
  const what =
    a.type === 'problem'
      ? a.change.appeared.length
        ? `${a.change.appeared.map((f) => f.code).join(', ')}`
        : `verdict ${a.change.verdict.to}`
      : 'recovered';
  return `[smtp-doctor] ${a.type === 'problem' ? 'PROBLEM' : 'RECOVERY'}: ${label(a)} ${a.kind}: ${what}`.slice(0, 200);
}

function changeLines(a: AlertPayload): string[] {
  const c = a.change;
  const lines = [`Verdict: ${c.verdict.from ? `${c.verdict.from} -> ` : ''}${c.verdict.to}`];
  if (c.grade) lines.push(`Grade: ${c.grade.from ?? '-'} -> ${c.grade.to ?? '-'}`);
  return lines;
}

const findingText = (f: FindingSummary) =>
  [
    `- [${f.severity}] ${f.code}: ${f.title}`,
    f.detail ? `  ${f.detail}` : '',
    f.remediation ? `  What to do: ${f.remediation}` : '',
  ]
    .filter(Boolean)
    .join('\n');

/** Plain-text body (e-mail text part). */
export function alertText(a: AlertPayload): string {
  const c = a.change;
  return [
    `${a.type === 'problem' ? 'A problem was found' : 'A problem cleared'} on monitor ${label(a)}, check kind ${a.kind}.`,
    '',
    ...changeLines(a),
    ...(c.appeared.length ? ['', 'New findings:', ...c.appeared.map(findingText)] : []),
    ...(c.cleared.length ? ['', 'Cleared:', ...c.cleared.map((f) => `- ${f.code}: ${f.title}`)] : []),
    '',
    `Report: ${a.reportUrl}`,
    `Monitor: ${a.monitor.id}  Alert: ${a.id}  At: ${a.createdAt}`,
  ].join('\n');
}

/** HTML body (e-mail HTML part); every value escaped. */
export function alertHtml(a: AlertPayload): string {
  const e = escapeHtml;
  const c = a.change;
  const li = (f: FindingSummary) =>
    `<li><strong>${e(f.code)}</strong> (${e(f.severity)}): ${e(f.title)}${f.detail ? `<br>${e(f.detail)}` : ''}${
      f.remediation ? `<br><em>What to do:</em> ${e(f.remediation)}` : ''
    }</li>`;
  return [
    '<!doctype html><html><body>',
    `<h2>${a.type === 'problem' ? 'Problem' : 'Recovery'}: ${e(label(a))} &middot; ${e(a.kind)}</h2>`,
    `<p>${changeLines(a).map(e).join('<br>')}</p>`,
    c.appeared.length ? `<h3>New findings</h3><ul>${c.appeared.map(li).join('')}</ul>` : '',
    c.cleared.length
      ? `<h3>Cleared</h3><ul>${c.cleared.map((f) => `<li>${e(f.code)}: ${e(f.title)}</li>`).join('')}</ul>`
      : '',
    `<p><a href="${e(a.reportUrl)}">Open the report</a></p>`,
    `<p style="color:#666">Monitor ${e(a.monitor.id)} &middot; alert ${e(a.id)} &middot; ${e(a.createdAt)}</p>`,
    '</body></html>',
  ].join('\n');
}

/** Slack / Mattermost incoming-webhook body: `text` in their shared Markdown subset. */
export function alertChat(a: AlertPayload): { text: string } {
  const c = a.change;
  const md = (s: string) => s.replace(/[<>&]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[ch]!);
  return {
    text: [
      `${a.type === 'problem' ? ':rotating_light: *PROBLEM*' : ':white_check_mark: *RECOVERY*'} ${md(label(a))} (${a.kind})`,
      ...changeLines(a).map(md),
      ...c.appeared.map((f) => `• *${f.code}* ${md(f.title)}${f.remediation ? ` — ${md(f.remediation)}` : ''}`),
      ...c.cleared.map((f) => `• cleared: ${f.code}`),
      `<${a.reportUrl}|Report>`,
    ].join('\n'),
  };
}
