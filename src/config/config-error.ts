/** A bad configuration: every problem names its variable. main.ts exits 78 (EX_CONFIG) on it. */
export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}
