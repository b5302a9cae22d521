import { availableParallelism } from 'node:os';
import { ConfigError } from '../../config/config-error';
import { envInt } from '../../config/env-int';

/**
 * The analysis pool (AppConfig slice `analysis`, parsed once at boot by loadConfig; README env rows):
 * - ANALYSIS_THREADS (min(2, cores - 1), at least 1): worker threads parsing bounces, logs and
 *   replies off the event loop; one core is left to the event loop, so /healthz never waits;
 * - ANALYSIS_TIMEOUT_MS (10000): time budget of one analysis (of each MiB of a streamed log), in ms
 *   of worker time; over it, 422 ANALYSIS_TOO_EXPENSIVE;
 * - ANALYSIS_MAX_QUEUE (32): analyses that may wait for a thread; beyond that, 503 ANALYSIS_BUSY.
 */
export interface AnalysisSettings {
  threads: number;
  timeoutMs: number;
  maxQueue: number;
}

/** Every bad variable is named (one ConfigError). */
export function readAnalysisSettings(env: Record<string, string | undefined>): AnalysisSettings {
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
  // One core is left to the event loop: the point of the threads is that /healthz never waits.
  const defaultThreads = Math.max(1, Math.min(2, availableParallelism() - 1));
  const settings: AnalysisSettings = {
    threads: collect(() => envInt(env, 'ANALYSIS_THREADS', defaultThreads, 1, 64)),
    timeoutMs: collect(() => envInt(env, 'ANALYSIS_TIMEOUT_MS', 10000, 1, 600000)),
    maxQueue: collect(() => envInt(env, 'ANALYSIS_MAX_QUEUE', 32, 0, 10000)),
  };
  if (problems.length) throw new ConfigError(problems);
  return settings;
}
