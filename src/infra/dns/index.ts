export * from './resolver.port';
export { StubResolver, type StubResolverOptions, type DetailedResolver } from './stub-resolver';
export { CachedResolver, type CacheOptions } from './cached-resolver';
export { BudgetResolver, BUDGET_EXCEEDED } from './budget-resolver';
export {
  createResolver,
  createCheckResolver,
  readDnsSettings,
  type SharedResolver,
  type DnsSettings,
  type ResolverConfig,
} from './resolver-factory';
export { toMailauthResolver, MailauthDnsError, type MailauthResolver } from './mailauth-adapter';
export { dnsStats, newDnsStats, type DnsStats } from './dns-stats';
export { systemNameservers } from './resolv-conf';
