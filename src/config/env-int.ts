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

/**
 * A reader of integer settings that names every bad variable: `int` records a bad value and goes on,
 * `problems` lists what was recorded (the caller throws one ConfigError with all of them).
 */
export function envIntReader(env: Record<string, string | undefined>): {
  int: (key: string, def: number, min: number, max: number) => number;
  problems: string[];
} {
  const problems: string[] = [];
  return {
    problems,
    int: (key, def, min, max) => {
      try {
        return envInt(env, key, def, min, max);
      } catch (e) {
        problems.push((e as Error).message);
        return 0;
      }
    },
  };
}
