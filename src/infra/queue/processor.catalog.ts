import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { QUEUE_PROCESSOR, type JobProcessor, type QueueProcessorMeta } from './processor.decorator';

export interface DiscoveredProcessor {
  meta: QueueProcessorMeta;
  /** The provider instance (available once Nest has instantiated the providers). */
  instance(): JobProcessor;
}

/**
 * Every @QueueProcessor provider of the application, read from class metadata, so it can be
 * listed before instances exist (CheckQueues needs the check queue names when it is built).
 * One processor per queue; the same class registered by two modules counts once.
 */
@Injectable()
export class ProcessorCatalog {
  private cached?: DiscoveredProcessor[];

  constructor(private readonly discovery: DiscoveryService) {}

  list(): DiscoveredProcessor[] {
    if (this.cached) return this.cached;
    const byQueue = new Map<string, { metatype: unknown; found: DiscoveredProcessor }>();
    for (const w of this.discovery.getProviders()) {
      const metatype = w.metatype as object | null | undefined;
      if (!metatype || typeof metatype !== 'function') continue;
      const meta = Reflect.getMetadata(QUEUE_PROCESSOR, metatype) as QueueProcessorMeta | undefined;
      if (!meta) continue;
      const seen = byQueue.get(meta.queue);
      if (seen && seen.metatype !== metatype) {
        throw new Error(
          `Queue "${meta.queue}" has two processors (${(seen.metatype as { name: string }).name} and ${(metatype as { name: string }).name}); one module owns a queue.`,
        );
      }
      if (!seen) byQueue.set(meta.queue, { metatype, found: { meta, instance: () => w.instance as JobProcessor } });
    }
    this.cached = [...byQueue.values()].map((v) => v.found);
    return this.cached;
  }

  /** Queues whose jobs are checks (see QueueProcessorOptions.checks). */
  checkQueues(): string[] {
    return this.list()
      .filter((p) => p.meta.options.checks)
      .map((p) => p.meta.queue);
  }
}
