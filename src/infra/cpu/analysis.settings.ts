import { availableParallelism } from 'node:os';
import { ConfigError } from '../../config/config-error';
import { envIntReader } from '../../config/env-int';

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
  // A bad value is named, and parsing goes on (the settings are then discarded).
  const { int, problems } = envIntReader(env);
  // One core is left to the event loop: the point of the threads is that /healthz never waits.
  const defaultThreads = Math.max(1, Math.min(2, availableParallelism() - 1));
  const settings: AnalysisSettings = {
    threads: int('ANALYSIS_THREADS', defaultThreads, 1, 64),
    timeoutMs: int('ANALYSIS_TIMEOUT_MS', 10000, 1, 600000),
    maxQueue: int('ANALYSIS_MAX_QUEUE', 32, 0, 10000),
  };
  if (problems.length) throw new ConfigError(problems);
  return settings;
}
