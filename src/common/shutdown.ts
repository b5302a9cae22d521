import { setMaxListeners } from 'node:events';

/**
 * Aborted when the process stops: running checks listen to it and abort their engines. The worker
 * host aborts it SHUTDOWN_GRACE_MS after the first SIGTERM (or at once when its workers are done).
 */
export class Shutdown {
  private readonly controller = new AbortController();

  constructor() {
    // Every running check listens; concurrency can exceed Node's default of 10 listeners.
    setMaxListeners(0, this.controller.signal);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  abort(): void {
    this.controller.abort();
  }
}
