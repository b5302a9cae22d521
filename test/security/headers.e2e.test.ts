import type { Browser } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startPageServer } from '../support/browser';
import { ADMIN_TOKEN, auth, startTestApp, TENANT_A_KEY, TENANT_B_KEY, type TestApp } from '../support/app';

/**
 * Response headers: API answers (errors included) are never cached, the API docs page cannot be
 * framed and runs under a CSP, and it still loads (every asset it references answers 200, and a
 * real Chromium renders it with no CSP violation).
 */
describe('security headers', () => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp({ ROLE: 'api', RATE_LIMIT_RPM: '20' }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  describe('Cache-Control: no-store on every API answer', () => {
    it('the answers that show a secret once: a new API key, a webhook signing secret', async () => {
      const tenant = await request(t.url)
        .post('/v1/admin/tenants')
        .set(auth(ADMIN_TOKEN))
        .send({ id: 'cache', name: 'Cache' });
      expect(tenant.status).toBe(201);
      expect(tenant.headers['cache-control']).toBe('no-store');
      const key = await request(t.url).post('/v1/admin/tenants/cache/keys').set(auth(ADMIN_TOKEN)).send({});
      expect(key.status).toBe(201);
      expect(key.body.key).toMatch(/^sk_/);
      expect(key.headers['cache-control']).toBe('no-store');
      const hook = await request(t.url)
        .post('/v1/webhooks')
        .set(auth(key.body.key as string))
        .send({ url: 'https://example.com/hook', events: ['check.completed'] });
      expect(hook.status).toBe(201);
      expect(hook.body.secret).toMatch(/^whsec_/);
      expect(hook.headers['cache-control']).toBe('no-store');
    });

    it('reads, GraphQL and every kind of error', async () => {
      const answers = {
        'GET /v1/checks 200': await request(t.url).get('/v1/checks').set(auth(TENANT_A_KEY)),
        'POST /graphql 200': await request(t.url)
          .post('/graphql')
          .set(auth(TENANT_A_KEY))
          .send({ query: '{ findingCatalog { code } }' }),
        'no key 401': await request(t.url).get('/v1/checks'),
        'bad admin token 401': await request(t.url)
          .get('/v1/admin/tenants/cache/keys')
          .set(auth(`${ADMIN_TOKEN}x`)),
        'validation 400': await request(t.url).post('/v1/checks').set(auth(TENANT_A_KEY)).send({ kind: 'mx' }),
        'malformed JSON 400': await request(t.url)
          .post('/v1/checks')
          .set(auth(TENANT_A_KEY))
          .set('Content-Type', 'application/json')
          .send('{"kind":'),
        'unknown route 404': await request(t.url).get('/v1/nothing-here').set(auth(TENANT_A_KEY)),
      };
      for (const [what, res] of Object.entries(answers)) {
        expect(res.status, what).toBe(Number(what.split(' ').pop()));
        expect(res.headers['cache-control'], what).toBe('no-store');
        expect(res.headers['x-content-type-options'], what).toBe('nosniff');
      }
    });

    it('a 429 from the rate limiter, answered before any route', async () => {
      let last: request.Response | undefined;
      for (let i = 0; i < 25 && last?.status !== 429; i++)
        last = await request(t.url).get('/v1/checks').set(auth(TENANT_B_KEY));
      expect(last!.status).toBe(429);
      expect(last!.headers['cache-control']).toBe('no-store');
    });

    it('public static files keep their own caching', async () => {
      for (const path of ['/', '/widget.js']) {
        const res = await request(t.url).get(path);
        expect(res.status, path).toBe(200);
        expect(res.headers['cache-control'], path).toBe('public, max-age=300');
      }
    });
  });

  describe('/docs', () => {
    it('sends nosniff, no framing and a CSP with no unsafe-inline', async () => {
      for (const path of ['/docs', '/docs/']) {
        const res = await request(t.url).get(path);
        expect(res.status, path).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['x-frame-options']).toBe('DENY');
        const csp = String(res.headers['content-security-policy']);
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).toContain("default-src 'none'");
        expect(csp).toMatch(/script-src 'self'(;|$)/);
        expect(csp).not.toContain('unsafe-inline');
        expect(csp).not.toContain('unsafe-eval');
      }
      const json = await request(t.url).get('/openapi.json');
      expect(json.status).toBe(200);
      expect(json.headers['x-content-type-options']).toBe('nosniff');
      expect(json.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    });

    it('every script and stylesheet the page references answers 200 with its type and nosniff', async () => {
      const html = (await request(t.url).get('/docs')).text;
      const refs = [
        ...html.matchAll(/<script[^>]*\ssrc=["']([^"']+)["']/g),
        ...html.matchAll(/<link[^>]*\shref=["']([^"']+)["']/g),
      ].map((m) => m[1]!);
      expect(refs.filter((r) => r.endsWith('.js')).length).toBeGreaterThanOrEqual(3);
      expect(refs.filter((r) => r.endsWith('.css')).length).toBeGreaterThanOrEqual(1);
      for (const ref of refs) {
        const path = new URL(ref, `${t.url}/docs`).pathname;
        const res = await request(t.url).get(path);
        expect(res.status, path).toBe(200);
        if (path.endsWith('.js')) expect(res.headers['content-type'], path).toMatch(/javascript/);
        if (path.endsWith('.css')) expect(res.headers['content-type'], path).toMatch(/text\/css/);
        expect(res.headers['x-content-type-options'], path).toBe('nosniff');
      }
    });

    it('renders in Chromium under its CSP, with no violation', async () => {
      const page = await (await browser.newContext()).newPage();
      const violations: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      // Init scripts run through DevTools, outside the page's CSP.
      await page.addInitScript(() => {
        const w = window as unknown as { __csp: string[] };
        w.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) =>
          w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`),
        );
      });
      await page.goto(`${t.url}/docs`);
      await page.waitForSelector('.swagger-ui .info .title', { timeout: 30_000 });
      expect(await page.textContent('.swagger-ui .info .title')).toContain('smtp-doctor');
      // The operations are listed (the spec came from swagger-ui-init.js) and styled by swagger-ui.css.
      expect(await page.locator('.opblock').count()).toBeGreaterThan(10);
      expect(
        await page.evaluate(() => getComputedStyle(document.querySelector('.swagger-ui .opblock')!).borderRadius),
      ).not.toBe('0px');
      // The inline style of the icon sprite applied (allowed by hash): the sprite takes no room.
      expect(await page.evaluate(() => getComputedStyle(document.querySelector('body > svg')!).position)).toBe(
        'absolute',
      );
      // Open an operation and its "Try it out" form: more of the UI renders, still under the CSP.
      await page.locator('.opblock-summary').first().click();
      await page.locator('.try-out__btn').first().click();
      await page.waitForSelector('.execute-wrapper button', { timeout: 10_000 });
      violations.push(...(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)));
      expect(violations).toEqual([]);
      await page.context().close();
    });

    it('another site cannot frame it', async () => {
      const site = await startPageServer(
        'localhost',
        () =>
          `<!doctype html><title>framer</title><iframe id="f" src="${t.url}/docs" width="800" height="600"></iframe>`,
      );
      try {
        const page = await (await browser.newContext()).newPage();
        await page.goto(site.origin);
        const frame = await (await page.waitForSelector('#f')).contentFrame();
        // Blocked by frame-ancestors: Chromium shows its error page, never the docs.
        await frame!.waitForLoadState('load');
        expect(await frame!.locator('#swagger-ui').count()).toBe(0);
        expect(frame!.url()).not.toBe(`${t.url}/docs`);
        await page.context().close();
      } finally {
        await site.close();
      }
    });
  });
});
