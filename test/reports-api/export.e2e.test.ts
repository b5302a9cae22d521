import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/common/ids';
import { auth, startTestApp, TENANT_A_KEY, TENANT_B_KEY, type TestApp } from '../support/app';

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'`&';

const gql = (t: TestApp, key: string, query: string, variables: Record<string, unknown> = {}) =>
  request(t.url).post('/graphql').set(auth(key)).send({ query, variables });

describe('GET /v1/checks/:id/report exports (json, md, html) with hostile data', () => {
  let t: TestApp;
  let id: string;

  beforeAll(async () => {
    t = await startTestApp({}, { http: true });
    // A stored check whose evidence came from hostile remote data (server replies, TXT records).
    id = uuidv7();
    const now = new Date().toISOString();
    await t.platform.checksRepo.insert({
      id,
      tenant_id: 'tenant-a',
      batch_id: null,
      created_by: 'static:tenant-a',
      kind: 'mx',
      target: `evil.test${HOSTILE}`,
      status: 'completed',
      input: JSON.stringify({ domain: 'evil.test' }),
      verdict: 'fail',
      score: 40,
      findings: JSON.stringify([
        {
          code: 'MX_TARGET_UNRESOLVABLE',
          severity: 'error',
          title: `Title ${HOSTILE}`,
          detail: `The server said ${HOSTILE}`,
          remediation: `Fix ${HOSTILE}`,
          evidence: { reply: HOSTILE },
          references: ['javascript:alert(3)'],
        },
        { code: 'MX_SINGLE_HOST', severity: 'info', title: 'Only one MX host', detail: 'one', remediation: 'add one' },
      ]),
      result: JSON.stringify({ note: HOSTILE }),
      error: null,
      attempts: 1,
      created_at: now,
      started_at: now,
      completed_at: now,
      duration_ms: 5,
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('html: one self-contained page, every hostile string escaped, served with a script-free CSP', async () => {
    const res = await request(t.url).get(`/v1/checks/${id}/report?format=html`).set(auth(TENANT_A_KEY));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    const html = res.text;
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    // Every tag is one the renderer writes itself, with no attributes but class/lang/charset/name/content:
    // no scripts, handlers, links or external resources, whatever the data said.
    const ALLOWED = new Set([
      'html',
      'head',
      'meta',
      'title',
      'style',
      'body',
      'h1',
      'h2',
      'p',
      'code',
      'span',
      'table',
      'thead',
      'tbody',
      'tr',
      'th',
      'td',
      'div',
      'strong',
      'ul',
      'li',
      'details',
      'summary',
      'pre',
    ]);
    for (const tag of html.match(/<[a-z][^>]*>/gi) ?? []) {
      const m = /^<([a-z0-9]+)((?:\s+(?:class|lang|charset|name|content)="[^"<>]*")*)\s*>$/i.exec(tag);
      expect(m, tag).not.toBeNull();
      expect(ALLOWED.has(m![1]!.toLowerCase()), tag).toBe(true);
    }
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('<style>');
    // Errors (most severe) before infos.
    expect(html.indexOf('MX_TARGET_UNRESOLVABLE')).toBeLessThan(html.indexOf('MX_SINGLE_HOST'));
  });

  it('md and json; download sets Content-Disposition; bad format is 400; another tenant gets 404', async () => {
    const md = await request(t.url).get(`/v1/checks/${id}/report?format=md&download=1`).set(auth(TENANT_A_KEY));
    expect(md.status).toBe(200);
    expect(md.headers['content-type']).toMatch(/^text\/markdown/);
    expect(md.headers['content-disposition']).toBe(`attachment; filename="smtp-doctor-mx-${id}.md"`);
    expect(md.text).toMatch(/^# smtp-doctor report: mx /);
    expect(md.text).not.toContain('<script>');
    expect(md.text).toContain('**Fix:**');
    const json = await request(t.url).get(`/v1/checks/${id}/report`).set(auth(TENANT_A_KEY));
    expect(json.status).toBe(200);
    expect(JSON.parse(json.text)).toMatchObject({ id, kind: 'mx', verdict: 'fail' });
    const bad = await request(t.url).get(`/v1/checks/${id}/report?format=pdf`).set(auth(TENANT_A_KEY));
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('format');
    expect((await request(t.url).get(`/v1/checks/${id}/report?format=html`).set(auth(TENANT_B_KEY))).status).toBe(404);
    expect((await request(t.url).get(`/v1/checks/${id}/report`)).status).toBe(401);
  });

  it('GraphQL checkReport', async () => {
    const r = await gql(t, TENANT_A_KEY, 'query($id: ID!) { checkReport(id: $id, format: "html") }', { id });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.checkReport).toContain('&#60;script&#62;');
    expect(r.body.data.checkReport).not.toMatch(/<script/i);
    const md = await gql(t, TENANT_A_KEY, 'query($id: ID!) { checkReport(id: $id, format: "md") }', { id });
    expect(md.body.data.checkReport).toMatch(/^# smtp-doctor report/);
    const other = await gql(t, TENANT_B_KEY, 'query($id: ID!) { checkReport(id: $id) }', { id });
    expect(other.body.errors[0].extensions.code).toBe('NOT_FOUND');
  });
});
