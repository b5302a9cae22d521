/** One DNS server as `ip[:port]` (DNS_SERVERS, DNS_FALLBACK_SERVERS). */
export interface DnsServer {
  host: string;
  port: number;
}
