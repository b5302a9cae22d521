/**
 * The REPORTED_SELECTORS port: DKIM selectors that DMARC aggregate reports showed for a tenant's
 * domain, so the dns audit's sweep also checks them (issue 18). PortsModule provides one hub; the
 * report intake module registers its source at boot. Without a source (CLI, tests) it answers [].
 */
export interface ReportedSelectors {
  selectors(tenantId: string, domain: string): Promise<string[]>;
}

export class ReportedSelectorsHub implements ReportedSelectors {
  private source?: ReportedSelectors;

  register(source: ReportedSelectors): void {
    this.source = source;
  }

  async selectors(tenantId: string, domain: string): Promise<string[]> {
    // A failing lookup must not fail the audit: the sweep then checks what it always checks.
    return this.source ? this.source.selectors(tenantId, domain).catch(() => []) : [];
  }
}
