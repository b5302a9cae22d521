import { explainReply } from '../explain/explain.engine';
import type { Explanation } from '../explain/explain.types';

/** Human-readable explanation for `smtp-doctor explain "..."`. */
export function formatExplanation(e: Explanation): string {
  const head = [e.code, e.enhancedStatus].filter((x) => x !== null).join(' ');
  const lines = [
    `${head ? `${head}  ` : ''}${e.title}`,
    `class: ${e.class}  category: ${e.category}  finding: ${e.findingCode}  retryable: ${e.retryable ? 'yes' : 'no'}${e.provider ? `  provider: ${e.provider}` : ''}`,
    '',
    e.meaning,
  ];
  if (e.likelyCauses.length) lines.push('', 'Likely causes:', ...e.likelyCauses.map((c) => `  - ${c}`));
  if (e.remediation.length) lines.push('', 'What to do:', ...e.remediation.map((r) => `  - ${r}`));
  if (e.suggestedChecks.length)
    lines.push(
      '',
      `Confirm with: ${e.suggestedChecks.map((c) => `smtp-doctor ${c === 'dnsbl' ? 'dns' : c} <domain>`).join(', ')}`,
    );
  if (e.references.length) lines.push('', 'References:', ...e.references.map((r) => `  ${r}`));
  return `${lines.join('\n')}\n`;
}

/** The CLI command's action: the reply may come as several words or with embedded newlines. */
export function explainCommand(words: string[], flags: { json?: boolean }): string {
  const e = explainReply(words.join(' ').replace(/\\n/g, '\n'));
  return flags.json ? `${JSON.stringify(e, null, 2)}\n` : formatExplanation(e);
}
