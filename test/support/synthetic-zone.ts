/**
 * Zone text for N synthetic mail domains, for benches and load tests against the fixture DNS
 * server: `startDnsServer({ zoneText: syntheticZone(1000).zoneText })`.
 *
 * Each domain `d<i>.<suffix>` has SOA, NS, two MX hosts with A/AAAA, an SPF record with an include
 * shared by all domains (so caches see realistic reuse), DMARC, a DKIM key, TLSA for the first MX
 * and an MTA-STS TXT. Every `variety`-th domain lacks DMARC, and every `variety`+1-th has a
 * softfail SPF, so results are not all identical. Deterministic: same input, same text.
 */
export interface SyntheticZone {
  zoneText: string;
  domains: string[];
}

export function syntheticZone(
  n: number,
  opts: { suffix?: string; variety?: number; ttl?: number } = {},
): SyntheticZone {
  const suffix = (opts.suffix ?? 'bench.test').replace(/\.$/, '');
  const variety = opts.variety ?? 7;
  const ttl = opts.ttl ?? 300;
  const lines: string[] = [`$TTL ${ttl}`, `_spf.${suffix}. IN TXT "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all"`];
  const domains: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = `d${i}.${suffix}`;
    domains.push(d);
    const oct = (i % 250) + 1;
    lines.push(
      `$ORIGIN ${d}.`,
      `@ IN SOA ns1 hostmaster ${i + 1} 3600 600 86400 60`,
      `  IN NS ns1`,
      `  IN MX 10 mx1`,
      `  IN MX 20 mx2`,
      i % (variety + 1) === variety
        ? `  IN TXT "v=spf1 mx ~all"`
        : `  IN TXT "v=spf1 mx a:mx2.${d} include:_spf.${suffix} -all"`,
      `ns1 IN A 198.51.100.${oct}`,
      `mx1 IN A 203.0.113.${oct}`,
      `mx1 IN AAAA 2001:db8:${(i % 65535).toString(16)}::25`,
      `mx2 IN A 203.0.114.${oct}`,
      `sel1._domainkey IN TXT "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC${i}"`,
      `_25._tcp.mx1 IN TLSA 3 1 1 ${i.toString(16).padStart(8, '0').repeat(8)}`,
      `_mta-sts IN TXT "v=STSv1; id=${i}"`,
    );
    if (i % variety !== variety - 1) lines.push(`_dmarc IN TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@${d}"`);
  }
  return { zoneText: lines.join('\n') + '\n', domains };
}
