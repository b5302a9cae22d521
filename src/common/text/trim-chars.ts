/**
 * Strip characters from the end of a string: those in `chars`, or those `chars` accepts. A loop
 * rather than a regex such as `/[.,;]+$/`: a backtracking engine retries that run from each of
 * its offsets when it is not at the end of the text, which is quadratic on a long run.
 */
export function trimTrailing(s: string, chars: string | ((c: string) => boolean)): string {
  const strip = typeof chars === 'string' ? (c: string) => chars.includes(c) : chars;
  let end = s.length;
  while (end > 0 && strip(s[end - 1]!)) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** JavaScript white space (the `\s` class), one character. */
export const isSpace = (c: string): boolean => c.trim() === '';
