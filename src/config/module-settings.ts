import { readContentSettings } from '../content-spam-check/content.config';
import { readDnsSettings } from '../infra/dns/resolver-factory';
import { probeSettings } from '../probe/probe.settings';
import { ConfigError, type AppConfig } from './config.schema';

/**
 * Modules parse their own settings from `config.env`; run every parser once at boot so a bad
 * value stops startup with the variable named, instead of failing the first check that reads it.
 */
export function validateModuleSettings(config: AppConfig): void {
  const problems: string[] = [];
  const attempt = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      problems.push((e as Error).message);
    }
  };
  attempt(() => readDnsSettings(config.env));
  attempt(() => probeSettings(config));
  problems.push(...readContentSettings(config.env).problems);
  if (problems.length) throw new ConfigError(problems);
}
