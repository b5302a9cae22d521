import type { CheckRow } from '../infra/database/checks.repository';

/**
 * Hooks run by the worker after a check's outcome is stored (exactly once per check) and after a
 * batch finishes. Modules (webhooks, domain history, rate limits) register here, from a provider
 * of their own, instead of editing the runner. A hook that throws is logged and does not undo the
 * stored result. Hooks run in `order` (lower first; equal orders in registration order).
 */
export type CheckFinishedHook = (check: CheckRow) => Promise<void> | void;
export type BatchFinishedHook = (batch: { id: string; tenantId: string }) => Promise<void> | void;

interface Ordered<H> {
  hook: H;
  order: number;
}

function insert<H>(list: Ordered<H>[], hook: H, order: number): void {
  const at = list.findIndex((h) => h.order > order);
  list.splice(at < 0 ? list.length : at, 0, { hook, order });
}

export class CheckLifecycle {
  private readonly checkHooks: Ordered<CheckFinishedHook>[] = [];
  private readonly batchHooks: Ordered<BatchFinishedHook>[] = [];

  onCheckFinished(h: CheckFinishedHook, order = 0): void {
    insert(this.checkHooks, h, order);
  }
  onBatchFinished(h: BatchFinishedHook, order = 0): void {
    insert(this.batchHooks, h, order);
  }

  async checkFinished(check: CheckRow, onError: (e: unknown) => void): Promise<void> {
    for (const { hook } of this.checkHooks) await Promise.resolve(hook(check)).catch(onError);
  }
  async batchFinished(batch: { id: string; tenantId: string }, onError: (e: unknown) => void): Promise<void> {
    for (const { hook } of this.batchHooks) await Promise.resolve(hook(batch)).catch(onError);
  }
}
