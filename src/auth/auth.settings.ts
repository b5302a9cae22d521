import { ConfigError } from '../config/config-error';
import { envIntReader } from '../config/env-int';

/**
 * The failed-authentication throttle (AppConfig slice `auth`, parsed once at boot by loadConfig):
 * - AUTH_FAIL_LIMIT (20): failed authentications (bad API key or admin token) one client address
 *   (IPv6 /64) may make per window; 0 disables the throttle;
 * - AUTH_FAIL_WINDOW_S (60): the window, in seconds.
 * And the stored API keys' cache (key-cache.ts):
 * - API_KEY_CACHE_TTL_S (30): how long a resolved key may be served from memory at most, even
 *   if its revocation's message was lost (revocations reach every process through Redis
 *   pub/sub at once); 0 disables the cache (every request reads the key from the database).
 */
export interface AuthSettings {
  failLimit: number;
  failWindowS: number;
  keyCacheTtlS: number;
}

/** Every bad variable is named (one ConfigError). */
export function readAuthSettings(env: Record<string, string | undefined>): AuthSettings {
  // A bad value is named, and parsing goes on (the settings are then discarded).
  const { int, problems } = envIntReader(env);
  const settings: AuthSettings = {
    failLimit: int('AUTH_FAIL_LIMIT', 20, 0, 1_000_000),
    failWindowS: int('AUTH_FAIL_WINDOW_S', 60, 1, 86_400),
    keyCacheTtlS: int('API_KEY_CACHE_TTL_S', 30, 0, 3_600),
  };
  if (problems.length) throw new ConfigError(problems);
  return settings;
}
