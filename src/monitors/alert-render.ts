import { escapeHtml } from '../reports/export/export.render';
import type { AlertChange, AlertType, FindingSummary } from './alert-state';

/** Everything an alert says, whatever the channel (also the `monitor.alert` webhook payload). */
export interface AlertPayload {
  id: string;
  type: AlertType;
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

const HEADLINE: Record<AlertType, string> = {
  problem: 'PROBLEM',
  recovery: 'RECOVERY',
  indeterminate: 'CANNOT CHECK',
  resumed: 'CHECKING AGAIN',
};

function what(a: AlertPayload): string {
  switch (a.type) {
    case 'problem':
      return a.change.appeared.length
        ? a.change.appeared.map((f) => f.code).join(', ')
        : `verdict ${a.change.verdict.to}`;
    case 'recovery':
      return 'recovered';
    case 'indeterminate':
      return `no result for ${a.change.indeterminateRuns ?? '?'} runs in a row`;
    case 'resumed':
      return `verdict ${a.change.verdict.to}`;
  }
}

export function alertSubject(a: AlertPayload): string {
  return `[smtp-doctor] ${HEADLINE[a.type]}: ${label(a)} ${a.kind}: ${what(a)}`.slice(0, 200);
}

/** The first sentence of every channel's message. */
function intro(a: AlertPayload): string {
  const on = `on monitor ${label(a)}, check kind ${a.kind}`;
  switch (a.type) {
    case 'problem':
      return `A problem was found ${on}.`;
    case 'recovery':
      return `A problem cleared ${on}.`;
    case 'indeterminate':
      return `The target could not be checked ${on}: ${a.change.indeterminateRuns ?? 'several'} runs in a row ended without a result (timeouts, or a check that could not run). This is not a failure of the target; the monitor cannot tell until a run completes.`;
    case 'resumed':
      return `Checks complete again ${on}, after runs without a result.`;
  }
}

function changeLines(a: AlertPayload): string[] {
  const c = a.change;
  const lines = [`Verdict: ${c.verdict.from ? `${c.verdict.from} -> ` : ''}${c.verdict.to}`];
  if (c.grade) lines.push(`Grade: ${c.grade.from ?? '-'} -> ${c.grade.to ?? '-'}`);
  if (c.resumed) lines.push('Checks complete again after runs without a result.');
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
    intro(a),
    '',
    ...changeLines(a),
    ...(c.reasons?.length ? ['', 'Why the last run had no result:', ...c.reasons.map(findingText)] : []),
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
    `<h2>${e(HEADLINE[a.type])}: ${e(label(a))} &middot; ${e(a.kind)}</h2>`,
    `<p>${e(intro(a))}</p>`,
    `<p>${changeLines(a).map(e).join('<br>')}</p>`,
    c.reasons?.length ? `<h3>Why the last run had no result</h3><ul>${c.reasons.map(li).join('')}</ul>` : '',
    c.appeared.length ? `<h3>New findings</h3><ul>${c.appeared.map(li).join('')}</ul>` : '',
    c.cleared.length
      ? `<h3>Cleared</h3><ul>${c.cleared.map((f) => `<li>${e(f.code)}: ${e(f.title)}</li>`).join('')}</ul>`
      : '',
    `<p><a href="${e(a.reportUrl)}">Open the report</a></p>`,
    `<p style="color:#666">Monitor ${e(a.monitor.id)} &middot; alert ${e(a.id)} &middot; ${e(a.createdAt)}</p>`,
    '</body></html>',
  ].join('\n');
}

const CHAT_ICON: Record<AlertType, string> = {
  problem: ':rotating_light:',
  recovery: ':white_check_mark:',
  indeterminate: ':grey_question:',
  resumed: ':arrows_counterclockwise:',
};

/** Slack / Mattermost incoming-webhook body: `text` in their shared Markdown subset. */
export function alertChat(a: AlertPayload): { text: string } {
  const c = a.change;
  const md = (s: string) => s.replace(/[<>&]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[ch]!);
  return {
    text: [
      `${CHAT_ICON[a.type]} *${HEADLINE[a.type]}* ${md(label(a))} (${a.kind})`,
      ...(a.type === 'indeterminate' || a.type === 'resumed' ? [md(intro(a))] : []),
      ...changeLines(a).map(md),
      ...(c.reasons ?? []).map((f) => `• why: *${f.code}* ${md(f.title)}`),
      ...c.appeared.map((f) => `• *${f.code}* ${md(f.title)}${f.remediation ? ` — ${md(f.remediation)}` : ''}`),
      ...c.cleared.map((f) => `• cleared: ${f.code}`),
      `<${a.reportUrl}|Report>`,
    ].join('\n'),
  };
}
