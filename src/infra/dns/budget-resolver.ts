import type { DnsLookup, DnsQueryOptions, DnsResolver, RRType } from './resolver.port';
import { dnsStats as globalStats, type DnsStats } from './dns-stats';

export const BUDGET_EXCEEDED = 'query budget exceeded';

/**
 * A per-check query budget, so one hostile domain (deep include trees, wildcard fan-out) cannot
 * make a check send unbounded queries. Every lookup counts, cached or not, so the limit does not
 * depend on what other checks happened to warm up. Past the budget, lookups return status 'error'
 * (indeterminate), like mailauth's lookup limits live in a wrapper, not in the algorithm.
 */
export class BudgetResolver implements DnsResolver {
  /** Lookups forwarded so far. */
  count = 0;
  /** Lookups refused for lack of budget. */
  refused = 0;

  constructor(
    private readonly inner: DnsResolver,
    readonly budget: number,
    private readonly stats: DnsStats = globalStats,
  ) {}

  get remaining(): number {
    return Math.max(0, this.budget - this.count);
  }

  async query<T extends RRType>(name: string, type: T, opts?: DnsQueryOptions): Promise<DnsLookup<T>> {
    if (this.count >= this.budget) {
      this.refused++;
      this.stats.budgetExceeded++;
      return { name, type, status: 'error', answers: [], authenticated: false, error: BUDGET_EXCEEDED };
    }
    this.count++;
    return this.inner.query(name, type, opts);
  }
}
