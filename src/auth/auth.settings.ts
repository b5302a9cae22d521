import { ConfigError } from '../config/config-error';
import { envInt } from '../config/env-int';

/**
 * The failed-authentication throttle (AppConfig slice `auth`, parsed once at boot by loadConfig):
 * - AUTH_FAIL_LIMIT (20): failed authentications (bad API key or admin token) one client address
 *   (IPv6 /64) may make per window; 0 disables the throttle;
 * - AUTH_FAIL_WINDOW_S (60): the window, in seconds.
 */
export interface AuthSettings {
  failLimit: number;
  failWindowS: number;
}

/** Every bad variable is named (one ConfigError). */
export function readAuthSettings(env: Record<string, string | undefined>): AuthSettings {
  const problems: string[] = [];
  // A bad value is named, and parsing goes on (the settings are then discarded).
  const collect = (read: () => number): number => {
    try {
      return read();
    } catch (e) {
      problems.push((e as Error).message);
      return 0;
    }
  };
  const settings: AuthSettings = {
    failLimit: collect(() => envInt(env, 'AUTH_FAIL_LIMIT', 20, 0, 1_000_000)),
    failWindowS: collect(() => envInt(env, 'AUTH_FAIL_WINDOW_S', 60, 1, 86_400)),
  };
  if (problems.length) throw new ConfigError(problems);
  return settings;
}
