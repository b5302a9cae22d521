/**
 * The openspf RFC 7208 test suite (test/fixtures/spf/rfc7208-tests.yml, BSD-style licence in
 * rfc7208-tests.LICENSE), run test by test through our check_host() against the real fixture DNS
 * server on loopback. Each scenario's zonedata is loaded on its own, like the reference driver.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { evaluateSpf } from '../../src/dns/spf.eval';
import { testResolver } from './support';

interface SuiteTest {
  spec?: string | string[];
  helo: string;
  host: string;
  mailfrom: string;
  result: string | string[];
  explanation?: string;
}
interface Scenario {
  description: string;
  tests: Record<string, SuiteTest>;
  zonedata: Record<string, unknown[]>;
}

const text = readFileSync(join(__dirname, '../fixtures/spf/rfc7208-tests.yml'), 'utf8');
const scenarios = yaml
  .loadAll(text)
  .filter((d): d is Scenario => !!d && typeof d === 'object' && 'tests' in (d as object));

/**
 * Tests we do not run, with the reason. Empty means all 203 run.
 */
const SKIPPED: Record<string, string> = {};

/**
 * The suite writes "TXT: NONE" followed by "TIMEOUT" for "the TXT query times out" (txttimeout,
 * nospftxttimeout: expected temperror). The fixture loader keeps every listed type answering, so
 * the TXT timeout is installed here explicitly.
 */
function applyNoneThenTimeout(server: FixtureDnsServer, zonedata: Record<string, unknown[]>): void {
  for (const [name, entries] of Object.entries(zonedata ?? {})) {
    if (!entries?.includes('TIMEOUT')) continue;
    for (const e of entries) {
      if (e && typeof e === 'object') {
        for (const [type, v] of Object.entries(e))
          if (v === 'NONE') server.fault(name.replace(/\.$/, ''), 'timeout', type.toUpperCase());
      }
    }
  }
}

let server: FixtureDnsServer;
let passed = 0;
let total = 0;

beforeAll(async () => {
  server = await startDnsServer();
});
afterAll(async () => {
  await server?.stop();
  console.log(`RFC 7208 suite: ${passed}/${total} passed, ${Object.keys(SKIPPED).length} skipped`);
});

for (const scenario of scenarios) {
  describe(scenario.description, () => {
    for (const [name, t] of Object.entries(scenario.tests)) {
      if (SKIPPED[name]) continue;
      it(name, async () => {
        total++;
        server.clear();
        server.loadSuiteData(scenario.zonedata);
        applyNoneThenTimeout(server, scenario.zonedata);
        // The driver convention: an empty MAIL FROM uses postmaster@<helo> (RFC 7208 §2.4).
        let sender = t.mailfrom || `postmaster@${t.helo}`;
        if (sender.startsWith('@')) sender = `postmaster${sender}`;
        const domain = sender.slice(sender.lastIndexOf('@') + 1);
        const out = await evaluateSpf(domain, {
          resolver: testResolver(server),
          ip: t.host,
          sender,
          helo: t.helo,
          receiver: 'receiver.example',
        });
        const expected = Array.isArray(t.result) ? t.result : [t.result];
        expect(expected, `${name}: got ${out.result} (${out.reason})`).toContain(out.result);
        if (t.explanation && t.explanation !== 'DEFAULT' && out.result === 'fail') {
          expect(out.explanation).toBe(t.explanation);
        }
        passed++;
      });
    }
  });
}
