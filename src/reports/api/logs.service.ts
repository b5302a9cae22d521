import { Readable } from 'node:stream';
import { DomainError } from '../../common/errors/domain-error';
import { validateOrThrow } from '../../common/errors/validate-input';
import type { AnalysisPool } from '../../infra/cpu/analysis-pool';
import type { LogAnalysis } from '../logs/log.types';
import { AnalyzeLogsInput } from './logs.model';

/** Count bytes as they stream through and stop past `max` (413), without buffering anything. */
async function* bounded(source: AsyncIterable<string | Uint8Array>, max: number): AsyncGenerator<string | Uint8Array> {
  let size = 0;
  for await (const chunk of source) {
    size += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (size > max) throw new DomainError('PAYLOAD_TOO_LARGE', `The log exceeds ${max} bytes (LOG_MAX_BYTES).`);
    yield chunk;
  }
}

/**
 * Mail log analysis. A text/plain request body is piped batch by batch into the streaming
 * analyser, which runs in a worker thread of the analysis pool (the next batch is read from the
 * socket only when the worker has taken the previous one, so backpressure reaches the client), so
 * memory is bounded by the analyser's tables, not by the size of the log, and the API's event loop
 * stays free. Each batch has the pool's time budget (ANALYSIS_TIMEOUT_MS).
 */
export class LogsService {
  constructor(
    readonly maxBytes: number,
    private readonly pool: AnalysisPool,
  ) {}

  async analyzeStream(source: AsyncIterable<string | Uint8Array>): Promise<LogAnalysis> {
    if (!(source instanceof Readable)) return this.pool.stream<LogAnalysis>('log', bounded(source, this.maxBytes));
    // Stopping early (413, over budget) must not destroy the request: the error response goes out
    // on its socket, and a socket closed with unread data resets, losing that response. The rest
    // of the body is read and discarded instead, as readBoundedBody does.
    try {
      return await this.pool.stream<LogAnalysis>(
        'log',
        bounded(source.iterator({ destroyOnReturn: false }), this.maxBytes),
      );
    } catch (e) {
      source.resume();
      throw e;
    }
  }

  async analyzeJson(body: unknown): Promise<LogAnalysis> {
    const input = await validateOrThrow(AnalyzeLogsInput, body);
    return this.pool.stream<LogAnalysis>('log', [input.text]);
  }
}
