import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getKind } from '../support/kinds';
import { startDnsServer, type FixtureDnsServer } from '../support/dns-server';
import { launchBrowser, screenshotPath, seriousA11yViolations, startPageServer } from '../support/browser';
import { auth, startTestApp, type TestApp } from '../support/app';
import { tenantWithKeys } from './helpers';

const ZONE = readFileSync(join(__dirname, '../fixtures/embed/embed.zone'), 'utf8');
const KIND = getKind('dns') ? 'dns' : 'mx';
const EXPECTED_CODE = KIND === 'dns' ? 'DMARC_MISSING' : 'MX_MISSING';
const DOMAIN = KIND === 'dns' ? 'shop.test' : 'nomail.test';

/** A third-party product's settings page embedding the widget with one tag. */
const shopPage = (api: () => string, key: () => string) => (q: URLSearchParams) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme Shop: email settings</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 44rem; color: #222 }
  smtp-doctor-check { --sdc-accent: #5b2a86; --sdc-focus: #5b2a86; --sdc-radius: 4px }
  smtp-doctor-check::part(button) { border-radius: 0 }
</style>
<script type="module" src="${api()}/widget.js"></script></head>
<body><main><h1>Email settings</h1><p>Check that mail to your domain gets through.</p>
<smtp-doctor-check endpoint="${api()}" key="${q.get('key') ?? key()}" kind="${q.get('kind') ?? KIND}" domain="${q.get('domain') ?? DOMAIN}"></smtp-doctor-check>
</main></body></html>`;

describe('the <smtp-doctor-check> widget on third-party pages', () => {
  let dns: FixtureDnsServer;
  let t: TestApp;
  let browser: Browser;
  let ctx: BrowserContext;
  let allowed: Awaited<ReturnType<typeof startPageServer>>;
  let denied: Awaited<ReturnType<typeof startPageServer>>;
  let shop: { pks: string[]; sk?: string };

  beforeAll(async () => {
    dns = await startDnsServer({ zoneText: ZONE });
    // The API is on http://127.0.0.1:P1, the shop's pages on http://localhost:P2 and :P3: other origins.
    const page = shopPage(
      () => t.url,
      () => shop.pks[0]!,
    );
    [allowed, denied, browser] = await Promise.all([
      startPageServer('localhost', page),
      startPageServer('localhost', page),
      launchBrowser(),
    ]);
    t = await startTestApp({ DNS_SERVERS: dns.address });
    shop = await tenantWithKeys(t, 'shop', {
      corsOrigins: [allowed.origin],
      allowedKinds: [KIND],
      publishable: 2,
      secret: true,
    });
    ctx = await browser.newContext({ viewport: { width: 900, height: 900 } });
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: allowed.origin });
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([allowed?.close(), denied?.close()]);
    await t?.close();
    await dns?.stop();
  });

  const open = async (origin: string, query = ''): Promise<Page> => {
    const page = await ctx.newPage();
    await page.goto(`${origin}/${query}`);
    await page.waitForFunction(() => customElements.get('smtp-doctor-check') !== undefined);
    return page;
  };
  const focusPath = (page: Page) =>
    page.evaluate(() => {
      const out: string[] = [];
      let el = document.activeElement;
      while (el) {
        out.push(el.tagName.toLowerCase() + (el.getAttribute('part') ? `[${el.getAttribute('part')}]` : ''));
        el = el.shadowRoot?.activeElement ?? null;
      }
      return out.join(' > ');
    });

  it('runs from an allowed origin with the keyboard only and shows the live result', async () => {
    const page = await open(allowed.origin);
    const frames: string[] = [];
    page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
    const statuses: string[] = [];
    await page.exposeFunction('recordStatus', (s: string) => statuses.push(s));
    await page.evaluate(() => {
      const status = document.querySelector('smtp-doctor-check')!.shadowRoot!.querySelector('[part~="status"]')!;
      new MutationObserver(() =>
        (window as unknown as { recordStatus: (s: string) => void }).recordStatus(status.textContent ?? ''),
      ).observe(status, { subtree: true, characterData: true, childList: true });
    });

    await page.keyboard.press('Tab');
    expect(await focusPath(page)).toBe('smtp-doctor-check > input[input]');
    expect(await page.locator('smtp-doctor-check input').inputValue()).toBe(DOMAIN);
    await page.keyboard.press('Tab');
    expect(await focusPath(page)).toBe('smtp-doctor-check > button[button]');
    await page.keyboard.press('Enter');

    await page.locator('smtp-doctor-check [part~="summary"]').waitFor({ timeout: 30_000 });
    // Live: the states arrived over graphql-ws and were announced in the aria-live status line.
    expect(frames.filter((f) => f.includes('"type":"next"')).length).toBeGreaterThan(0);
    expect(statuses.some((s) => /Checking|Waiting|Running/.test(s))).toBe(true);
    expect(statuses[statuses.length - 1]).toMatch(/^Finished: \d+ problems? found\.$/);
    expect(await page.locator('smtp-doctor-check [part~="status"]').getAttribute('aria-live')).toBe('polite');

    const codes = await page.locator('smtp-doctor-check .code').allTextContents();
    expect(codes).toContain(EXPECTED_CODE);
    const finding = page.locator('smtp-doctor-check li', { hasText: EXPECTED_CODE });
    expect(await finding.locator('[part~="finding-remediation"]').textContent()).toMatch(/How to fix: \S/);
    // Severity groups: the error group is labelled with its count.
    expect(await page.locator('smtp-doctor-check [part~="group-error"] h4').textContent()).toMatch(/^Errors \(\d+\)$/);

    // Focus moved to the result heading; the next Tab reaches the copy button of the suggested record.
    expect(await focusPath(page)).toBe('smtp-doctor-check > h3[summary]');
    const record = await finding.locator('[part~="record"] code').textContent();
    expect(record).toMatch(/ IN (MX|TXT) /);
    await page.keyboard.press('Tab');
    expect(await focusPath(page)).toBe('smtp-doctor-check > button[copy-button]');
    await page.keyboard.press('Enter');
    await expect.poll(() => finding.locator('[part~="copy-button"]').textContent()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(record);

    // Themed by the page through custom properties and ::part.
    const style = await page
      .locator('smtp-doctor-check button[part="button"]')
      .evaluate((b) => [getComputedStyle(b).backgroundColor, getComputedStyle(b).borderTopLeftRadius]);
    expect(style).toEqual(['rgb(91, 42, 134)', '0px']);

    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.locator('smtp-doctor-check').screenshot({ path: screenshotPath('widget') });
    await page.close();
  });

  it('shows the root cause first, with the findings it implies folded under it', async () => {
    // gone.test is not in the fixture zone: NXDOMAIN from the loopback DNS server.
    const page = await open(allowed.origin, '?domain=gone.test');
    await page.locator('smtp-doctor-check button[part="button"]').click();
    await page.locator('smtp-doctor-check [part~="summary"]').waitFor({ timeout: 30_000 });
    const sections = await page
      .locator('smtp-doctor-check [part~="report"] > section, smtp-doctor-check [part~="report"] > details')
      .evaluateAll((els) => els.map((e) => e.getAttribute('part')));
    expect(sections[0]).toBe('root-cause');
    const cause = page.locator('smtp-doctor-check [part~="root-cause"]');
    expect(await cause.locator('h4').textContent()).toBe('Root cause');
    expect(await cause.locator('[part~="finding-title"] .code').allTextContents()).toEqual(['DOMAIN_NOT_FOUND']);
    const implied = cause.locator('details[part="implied"]');
    // Collapsed, and named by what implies them.
    expect(await implied.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    const folded = await implied.locator('.code').allTextContents();
    expect(folded).toEqual(expect.arrayContaining(KIND === 'dns' ? ['SPF_MISSING', 'DMARC_MISSING'] : []));
    expect(await implied.locator('summary').textContent()).toBe(
      `${folded.length} finding${folded.length === 1 ? '' : 's'} implied by DOMAIN_NOT_FOUND (moot until it is fixed)`,
    );
    // The implied findings are not listed again as separate problems.
    const listed = await page.locator('smtp-doctor-check [part~="group"] .code').allTextContents();
    expect(listed.filter((c) => c === 'DOMAIN_NOT_FOUND' || folded.includes(c))).toEqual([]);
    // The API says the same: the cause carries the folded codes (the widget adds nothing of its own).
    const check = await page.evaluate(
      () =>
        (
          document.querySelector('smtp-doctor-check') as unknown as {
            check: { findings: { code: string; folded?: string[] }[] };
          }
        ).check,
    );
    expect(check.findings[0]).toMatchObject({ code: 'DOMAIN_NOT_FOUND', folded });
    await implied.locator('summary').focus();
    await page.keyboard.press('Enter');
    expect(await implied.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.locator('smtp-doctor-check').screenshot({ path: screenshotPath('widget-root-cause') });
    await page.close();
  });

  it('folds the SMTP transcript and orders findings by severity', async () => {
    const page = await open(allowed.origin);
    // Rendering only: a finished check of kind smtp, handed to the element as the API would.
    await page.evaluate(() => {
      const el = document.querySelector('smtp-doctor-check') as unknown as { finish(c: unknown): void };
      el.finish({
        id: '0190f0f0-0000-7000-8000-000000000001',
        kind: 'smtp',
        status: 'completed',
        target: 'mx.example.net',
        verdict: 'fail',
        score: 35,
        findings: [
          {
            code: 'SMTP_TLS_MISSING',
            severity: 'info',
            title: 'Note about TLS',
            detail: 'Context only.',
            remediation: '',
          },
          {
            code: 'SMTP_OPEN_RELAY',
            severity: 'critical',
            title: 'Open relay',
            detail: 'The server relayed to an outside domain.',
            remediation: 'Require authentication for relaying.',
          },
          {
            code: 'DMARC_MISSING',
            severity: 'error',
            title: 'No DMARC record',
            detail: 'No _dmarc TXT record.',
            remediation:
              'Start monitoring with: _dmarc.example.net. IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.net"',
          },
          {
            code: 'SMTP_SLOW_BANNER',
            severity: 'warning',
            title: 'Slow banner',
            detail: 'The banner took 12 s.',
            remediation: 'Check the server load.',
          },
        ],
        result: {
          probes: [
            {
              host: 'mx.example.net',
              port: 25,
              transcript: [
                { dir: 'S', line: '220 mx.example.net ESMTP' },
                { dir: 'C', line: 'EHLO probe.example' },
                { dir: 'S', line: '250 mx.example.net' },
              ],
            },
          ],
        },
      });
    });
    const groups = await page
      .locator('smtp-doctor-check [part~="group"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('part')));
    expect(groups).toEqual(['group group-critical', 'group group-error', 'group group-warning', 'group group-info']);
    expect(await page.locator('smtp-doctor-check [part~="record"] code').textContent()).toBe(
      '_dmarc.example.net. IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.net"',
    );
    const transcript = page.locator('smtp-doctor-check details[part="transcript"]');
    expect(await transcript.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await transcript.locator('summary').textContent()).toBe('SMTP transcript (mx.example.net:25)');
    await transcript.locator('summary').focus();
    await page.keyboard.press('Enter');
    expect(await transcript.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await transcript.locator('pre').textContent()).toContain('C EHLO probe.example');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.locator('smtp-doctor-check').screenshot({ path: screenshotPath('widget-severities') });
    await page.close();
  });

  it("puts a health report's root cause first even when it folds nothing, and names folded findings by title", async () => {
    const page = await open(allowed.origin);
    await page.evaluate(() => {
      const el = document.querySelector('smtp-doctor-check') as unknown as {
        titles: Record<string, string>;
        finish(c: unknown): void;
      };
      el.titles = { SMTP_STARTTLS_MISSING: 'No STARTTLS' };
      const f = (code: string, severity: string, folded?: string[]) => ({
        code,
        severity,
        title: `Title of ${code}`,
        detail: `<img src=x onerror="window.pwned=1">${code}`,
        remediation: '',
        ...(folded ? { folded } : {}),
      });
      el.finish({
        id: '0190f0f0-0000-7000-8000-000000000002',
        kind: 'health',
        status: 'completed',
        target: 'null.example',
        verdict: 'fail',
        score: 40,
        findings: [
          f('DMARC_MISSING', 'error'),
          f('MX_NULL', 'critical'),
          f('MX_ALL_UNREACHABLE', 'critical', ['SMTP_STARTTLS_MISSING', 'MTA_STS_MISSING']),
        ],
        result: { rootCause: 'MX_NULL' },
      });
    });
    const causes = await page
      .locator('smtp-doctor-check [part~="root-cause"] [part~="finding-title"] .code')
      .allTextContents();
    expect(causes).toEqual(['MX_NULL', 'MX_ALL_UNREACHABLE']);
    expect(await page.locator('smtp-doctor-check [part~="group"] .code').allTextContents()).toEqual(['DMARC_MISSING']);
    const implied = await page
      .locator('smtp-doctor-check [part~="implied-finding"]')
      .evaluateAll((els) => els.map((e) => e.textContent));
    expect(implied).toEqual(['No STARTTLS SMTP_STARTTLS_MISSING', 'MTA_STS_MISSING']);
    // Stranger data is text, never markup.
    expect(await page.locator('smtp-doctor-check img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await page.close();
  });

  it('finds the suggested record in remediation texts', async () => {
    const page = await open(allowed.origin);
    const cases: [string, string | null][] = [
      [
        'Start monitoring with: _dmarc.example.com. IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"',
        '_dmarc.example.com. IN TXT "v=DMARC1; p=none; rua=mailto:d@example.com"',
      ],
      [
        'Ask the owner of the address block to publish: 25.2.0.192.in-addr.arpa. IN PTR mx.shop.test. (and keep "mx.shop.test. IN A 192.0.2.25").',
        '25.2.0.192.in-addr.arpa. IN PTR mx.shop.test.',
      ],
      [
        'Publish an MX record, e.g. "example.com. 3600 IN MX 10 mx.example.com."',
        'example.com. 3600 IN MX 10 mx.example.com.',
      ],
      ['Merge the records into a single "v=spf1" TXT record.', null],
      ['End the record with "~all".', null],
    ];
    // A string expression: vitest would rewrite a dynamic import() inside a function body.
    const got = await page.evaluate(
      `import('${t.url}/widget.js').then((m) => ${JSON.stringify(cases.map((c) => c[0]))}.map((x) => m.suggestedRecord(x) ?? null))`,
    );
    expect(got).toEqual(cases.map((c) => c[1]));
    await page.close();
  });

  it('is refused on an origin the tenant does not allow, and says so in words', async () => {
    const before = (await request(t.url).get('/v1/checks').set(auth(shop.sk!))).body.items.length;
    const page = await open(denied.origin);
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    await page.locator('smtp-doctor-check button[part="button"]').click();
    await expect
      .poll(() => page.locator('smtp-doctor-check [part~="error"]').textContent())
      .toMatch(/Could not reach the check service.*may not be allowed/);
    expect(consoleErrors.join('\n')).toMatch(/CORS/);
    // The preflight was refused, so nothing was submitted.
    expect((await request(t.url).get('/v1/checks').set(auth(shop.sk!))).body.items.length).toBe(before);
    // The WebSocket handshake from this origin is refused too.
    const ws = await page.evaluate(
      (api) =>
        new Promise<string>((resolve) => {
          const s = new WebSocket(`${api.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
          s.onopen = () => resolve('open');
          s.onclose = (e) => resolve(`closed ${e.code}`);
        }),
      t.url,
    );
    expect(ws).toBe('closed 1006');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.locator('smtp-doctor-check').screenshot({ path: screenshotPath('widget-refused') });
    await page.close();
  });

  it('explains a bad domain, a rate limit and a secret key in words', async () => {
    const page = await open(allowed.origin, '?domain=');
    await page.locator('smtp-doctor-check input').fill('not a domain!');
    await page.locator('smtp-doctor-check input').press('Enter');
    expect(await page.locator('smtp-doctor-check [part~="error"]').textContent()).toBe(
      '“not a domain!” is not a valid domain name. Enter a name like example.com.',
    );

    // 429 as the service sends it (fixed at the HTTP boundary; the limiter itself is tested in rate-limit.e2e).
    await page.route(`${t.url}/graphql`, (route) =>
      route.fulfill({
        status: 429,
        headers: {
          'content-type': 'application/problem+json',
          'retry-after': '42',
          'access-control-allow-origin': allowed.origin,
          'access-control-expose-headers': 'Retry-After',
        },
        body: JSON.stringify({ status: 429, code: 'RATE_LIMITED', detail: 'Too many requests' }),
      }),
    );
    await page.locator('smtp-doctor-check input').fill(DOMAIN);
    await page.locator('smtp-doctor-check input').press('Enter');
    await expect
      .poll(() => page.locator('smtp-doctor-check [part~="error"]').textContent())
      .toBe('Too many checks right now. Please try again in 42 seconds.');
    await page.close();

    const secret = await open(allowed.origin, `?key=${shop.sk}`);
    await secret.locator('smtp-doctor-check button[part="button"]').click();
    await expect
      .poll(() => secret.locator('smtp-doctor-check [part~="error"]').textContent())
      .toBe('This site is not allowed to run checks with this key.');
    const detail = await secret.evaluate(
      async ([api, sk]) =>
        (await (await fetch(`${api}/v1/checks`, { headers: { authorization: `Bearer ${sk}` } })).json()).detail,
      [t.url, shop.sk!],
    );
    expect(detail).toMatch(/secret API key was sent from a web page/);
    await secret.close();
  });

  it('a publishable key reads only its own checks, from the page too', async () => {
    const [pk0, pk1] = shop.pks as [string, string];
    const submit = async (key: string) =>
      (await request(t.url).post('/v1/checks').set(auth(key)).send({ kind: KIND, domain: DOMAIN })).body.id as string;
    const own = await submit(pk0);
    const bySecret = await submit(shop.sk!);
    const byOtherPk = await submit(pk1);
    const page = await open(allowed.origin);
    const read = (id: string) =>
      page.evaluate(
        async ([api, key, checkId]) => {
          const r = await fetch(`${api}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
            body: JSON.stringify({
              query: 'query ($id: ID!) { check(id: $id) { id } }',
              variables: { id: checkId },
            }),
          });
          const body = await r.json();
          return body.errors?.[0]?.extensions?.code ?? body.data.check.id;
        },
        [t.url, pk0, id],
      );
    expect(await read(own)).toBe(own);
    expect(await read(bySecret)).toBe('NOT_FOUND');
    expect(await read(byOtherPk)).toBe('NOT_FOUND');
    const list = await page.evaluate(
      async ([api, key]) => (await fetch(`${api}/v1/checks`, { headers: { authorization: `Bearer ${key}` } })).status,
      [t.url, pk0],
    );
    expect(list).toBe(403);
    await page.close();
  });
});
