import type { CheckRow } from '../infra/database/checks.repository';

/**
 * Hooks run by the worker after a check's outcome is stored (exactly once per check) and after a
 * batch finishes. Modules (webhooks, domain history, metrics) register here instead of editing the
 * runner. A hook that throws is logged and does not undo the stored result.
 */
export type CheckFinishedHook = (check: CheckRow) => Promise<void> | void;
export type BatchFinishedHook = (batch: { id: string; tenantId: string }) => Promise<void> | void;

export class CheckLifecycle {
  private readonly checkHooks: CheckFinishedHook[] = [];
  private readonly batchHooks: BatchFinishedHook[] = [];

  onCheckFinished(h: CheckFinishedHook): void {
    this.checkHooks.push(h);
  }
  onBatchFinished(h: BatchFinishedHook): void {
    this.batchHooks.push(h);
  }

  async checkFinished(check: CheckRow, onError: (e: unknown) => void): Promise<void> {
    for (const h of this.checkHooks) await Promise.resolve(h(check)).catch(onError);
  }
  async batchFinished(batch: { id: string; tenantId: string }, onError: (e: unknown) => void): Promise<void> {
    for (const h of this.batchHooks) await Promise.resolve(h(batch)).catch(onError);
  }
}
