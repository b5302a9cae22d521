import type { CheckModel } from '../checks/check.model';
import { isRootCause, type Finding, type Severity } from '../common/finding';

const ORDER: Severity[] = ['critical', 'error', 'warning', 'info'];
const MARK: Record<Severity, string> = { critical: '!!', error: 'x ', warning: '! ', info: 'i ' };
const useColor = () => process.stdout.isTTY && !process.env.NO_COLOR;
const color = (code: number, s: string) => (useColor() ? `\x1b[${code}m${s}\x1b[0m` : s);
const SEV_COLOR: Record<Severity, number> = { critical: 35, error: 31, warning: 33, info: 36 };
const VERDICT_COLOR: Record<string, number> = { pass: 32, warn: 33, fail: 31, indeterminate: 35 };

function wrap(text: string, indent: string, width = 100): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if ((line + ' ' + w).trim().length > width - indent.length) {
      lines.push(line.trim());
      line = w;
    } else line += ' ' + w;
  }
  if (line.trim()) lines.push(line.trim());
  return lines.map((l) => indent + l).join('\n');
}

/** A readable report: verdict and score, then findings by severity with their remediation. */
export function formatReport(
  c: Pick<CheckModel, 'kind' | 'target' | 'status' | 'verdict' | 'score' | 'findings' | 'error' | 'durationMs'>,
): string {
  const out: string[] = [];
  const verdict = c.verdict ?? c.status;
  out.push(
    `${c.kind} ${c.target}: ${color(VERDICT_COLOR[verdict] ?? 0, verdict.toUpperCase())}${c.score !== undefined ? `  score ${c.score}/100` : ''}${c.durationMs !== undefined ? `  (${c.durationMs} ms)` : ''}`,
  );
  if (c.error) out.push(`  error: ${c.error}`);
  const all = c.findings as Finding[];
  if (!all.length) out.push('  No findings.');
  const line = (f: Finding) => {
    out.push(`  ${color(SEV_COLOR[f.severity] ?? 0, MARK[f.severity] ?? '  ')}${f.title}  [${f.code}]`);
    if (f.detail) out.push(wrap(f.detail, '     '));
    if (f.remediation && f.severity !== 'info') out.push(wrap(`Fix: ${f.remediation}`, '     '));
  };
  // A root cause (the findings it implies folded under it: src/findings/grading.ts) comes first,
  // under its own heading; the rest by severity.
  const roots = all.filter(isRootCause);
  if (roots.length) {
    out.push('', color(SEV_COLOR.critical, 'ROOT CAUSE'));
    roots.forEach(line);
  }
  const findings = all.filter((f) => !isRootCause(f));
  for (const sev of ORDER) {
    const list = findings.filter((f) => f.severity === sev);
    if (!list.length) continue;
    out.push('', color(SEV_COLOR[sev], `${sev.toUpperCase()} (${list.length})`));
    list.forEach(line);
  }
  return out.join('\n');
}

export function progressBar(done: number, total: number, width = 30): string {
  const frac = total ? done / total : 1;
  const filled = Math.round(frac * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${(frac * 100).toFixed(0)}%`;
}
