import { DomainError } from '../../common/errors/domain-error';
import { validateOrThrow } from '../../common/errors/validate-input';
import { analyzeLog } from '../logs/log.engine';
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
 * Mail log analysis. A text/plain request body is piped chunk by chunk into the streaming
 * analyser (for-await applies backpressure to the socket), so memory is bounded by the analyser's
 * tables, not by the size of the log.
 */
export class LogsService {
  constructor(readonly maxBytes: number) {}

  async analyzeStream(source: AsyncIterable<string | Uint8Array>): Promise<LogAnalysis> {
    return analyzeLog(bounded(source, this.maxBytes));
  }

  async analyzeJson(body: unknown): Promise<LogAnalysis> {
    const input = await validateOrThrow(AnalyzeLogsInput, body);
    return analyzeLog((async function* () {
      yield input.text;
    })());
  }
}
