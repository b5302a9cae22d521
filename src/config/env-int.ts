/**
 * One integer setting from raw env strings, for the settings parsers of each module (run once at
 * boot by loadConfig): absent or empty gives the default; anything else must be an integer in
 * range, or the error (thrown with `makeError`, default Error) names the variable and the range.
 */
export function envInt(
  env: Record<string, string | undefined>,
  key: string,
  def: number,
  min: number,
  max: number,
  makeError: (message: string) => Error = (m) => new Error(m),
): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw makeError(`${key}: "${raw}" must be an integer between ${min} and ${max}`);
  return n;
}
