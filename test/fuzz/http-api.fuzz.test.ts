import fc from 'fast-check';
import { getMetadataStorage } from 'class-validator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Agent, fetch } from 'undici';
import { CHECK_KINDS } from '../support/kinds';
import { kindField } from '../../src/checks/submit-check.input';
import { CreateKeyInput, CreateTenantInput } from '../../src/admin/admin.input';
import { ADMIN_TOKEN, startTestApp, TENANT_A_KEY, type TestApp } from '../support/app';
import {
  deepNesting,
  hugeString,
  jsonKey,
  jsonValue,
  objectWith,
  oddString,
  toJson,
  type Json,
} from './json-arbitraries';

/**
 * Property: whatever JSON arrives through the HTTP API (random values, huge strings, odd Unicode,
 * deep nesting, prototype-pollution keys), the answer is 2xx or 4xx, errors are problem+json (REST)
 * or coded GraphQL errors, and never a 5xx. Runs against the real app in this process, so a
 * polluted Object.prototype would show here too.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);

function fieldsOf(cls: new (...args: never[]) => object): string[] {
  return [
    ...new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(cls, '', true, false)
        .map((m) => m.propertyName),
    ),
  ];
}

describe('HTTP API fuzzing (fast-check)', () => {
  let t: TestApp;
  let agent: Agent;
  const tenantId = 'fuzz-tenant';

  beforeAll(async () => {
    // API role only: accepted checks just wait in their queue. No limits: the fuzzer is one key.
    t = await startTestApp({ ROLE: 'api', RATE_LIMIT_RPM: '0', RATE_LIMIT_CONCURRENT_CHECKS: '0', BODY_LIMIT: '2mb' });
    agent = new Agent({ connections: 8 });
    const r = await send('POST', '/v1/admin/tenants', JSON.stringify({ id: tenantId, name: 'Fuzz' }), ADMIN_TOKEN);
    expect(r.status).toBe(201);
  });
  afterAll(async () => {
    await agent?.close();
    await t?.close();
  });

  async function send(
    method: string,
    path: string,
    body?: string,
    token = TENANT_A_KEY,
    contentType = 'application/json',
  ) {
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
      body,
      dispatcher: agent,
    });
    statuses.add(res.status);
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  }
  /** Statuses seen by the current test: proves the fuzzer got past auth into validation. */
  let statuses = new Set<number>();
  beforeEach(() => {
    statuses = new Set();
  });
  function reachedValidation(...expected: number[]) {
    expect(statuses.has(401)).toBe(false);
    for (const s of expected) expect(statuses).toContain(s);
  }

  /** REST: never 5xx; errors are problem+json with the status repeated in the body. */
  function clean(r: { status: number; type: string; text: string }, what: string): void {
    if (r.status >= 500 || r.status < 200) throw new Error(`${what} -> ${r.status}: ${r.text.slice(0, 300)}`);
    if (r.status >= 400) {
      if (!r.type.includes('application/problem+json'))
        throw new Error(`${what} -> ${r.status} as ${r.type}: ${r.text.slice(0, 200)}`);
      const p = JSON.parse(r.text) as { status?: number; type?: string; title?: string };
      if (p.status !== r.status || !p.type || !p.title)
        throw new Error(`${what} -> malformed problem ${r.text.slice(0, 200)}`);
    }
  }

  /** GraphQL: never 5xx, and no error coded as internal. */
  function cleanGraphql(r: { status: number; type: string; text: string }, what: string): void {
    if (r.status >= 500) throw new Error(`${what} -> ${r.status}: ${r.text.slice(0, 300)}`);
    if (r.type.includes('application/problem+json')) return clean(r, what); // body rejected before GraphQL (e.g. malformed JSON)
    const body = JSON.parse(r.text) as { errors?: { extensions?: { code?: string; status?: number } }[] };
    for (const e of body.errors ?? []) {
      if (
        (e.extensions?.status ?? 400) >= 500 ||
        e.extensions?.code === 'INTERNAL' ||
        e.extensions?.code === 'INTERNAL_SERVER_ERROR'
      ) {
        throw new Error(`${what} -> internal GraphQL error ${JSON.stringify(e).slice(0, 300)}`);
      }
    }
  }

  const pathSegment = fc.oneof(
    fc.uuid(),
    oddString.map((s) => {
      try {
        return encodeURIComponent(s);
      } catch {
        return '%ED%A0%80'; // a lone surrogate cannot be encoded: send the invalid UTF-8 it would be
      }
    }),
    fc.constantFrom('%', '%E0%A4%A', '%00', '..', '%2e%2e', 'a'.repeat(5000)),
  );

  for (const kind of CHECK_KINDS) {
    it(`POST /v1/checks kind=${kind.name}: its fields with hostile values`, async () => {
      const fields = fieldsOf(kind.inputClass);
      await fc.assert(
        fc.asyncProperty(objectWith(fields, [['kind', kind.name]]), async (body) => {
          const text = toJson(body);
          clean(await send('POST', '/v1/checks', text), `POST /v1/checks ${text.slice(0, 200)}`);
        }),
        { numRuns: RUNS },
      );
      reachedValidation(400);
    });
  }

  it('POST /v1/checks: any JSON at all, deep nesting, wrong content types and bytes', async () => {
    const body = fc.oneof(
      jsonValue.map(toJson),
      deepNesting.map(toJson),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.constantFrom(
        '',
        '{',
        '{"kind":',
        'null',
        '[]',
        '{"kind":"mx","domain":"a.test"}{}',
        '\ufeff{}',
        '{"__proto__":{"polluted":1},"kind":"mx","domain":"a.test"}',
      ),
    );
    const ctype = fc.constantFrom(
      'application/json',
      'application/problem+json',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'text/plain',
      'application/x-www-form-urlencoded',
    );
    await fc.assert(
      fc.asyncProperty(
        body,
        ctype,
        fc.constantFrom('', '?wait=abc', '?wait=-5', '?wait=1e309', '?wait=0.001'),
        async (text, type, q) => {
          clean(
            await send('POST', `/v1/checks${q}`, text, TENANT_A_KEY, type),
            `POST /v1/checks${q} (${type}) ${text.slice(0, 200)}`,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('POST /v1/batches: mixed valid, invalid and hostile items', async () => {
    const item = fc.oneof(
      ...CHECK_KINDS.map((k) => objectWith(fieldsOf(k.inputClass), [['kind', k.name]])),
      jsonValue,
      fc.constant<Json>({
        entries: [
          ['kind', 'mx'],
          ['domain', 'good.test'],
        ],
      }),
    );
    const body = fc.oneof(
      fc.array(item, { maxLength: 30 }).map((checks) => toJson({ entries: [['checks', checks]] })),
      fc.tuple(fc.array(item, { maxLength: 5 }), jsonKey, jsonValue).map(([checks, k, v]) =>
        toJson({
          entries: [
            ['checks', checks],
            [k, v],
          ],
        }),
      ),
      jsonValue.map(toJson),
      deepNesting.map((d) => toJson({ entries: [['checks', [d]]] })),
    );
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        clean(await send('POST', '/v1/batches', text), `POST /v1/batches ${text.slice(0, 200)}`);
      }),
      { numRuns: RUNS },
    );
    // A random batch is rarely valid as a whole (one bad item rejects it), so one known-good batch
    // proves the accepting path too, deterministically.
    clean(
      await send('POST', '/v1/batches', JSON.stringify({ checks: [{ kind: 'mx', domain: 'good.test' }] })),
      'POST /v1/batches (known good)',
    );
    reachedValidation(202, 400);
  });

  it('admin: tenants and keys with hostile bodies and path ids', async () => {
    const tenantBody = objectWith(fieldsOf(CreateTenantInput)).map(toJson);
    const keyBody = fc.oneof(objectWith(fieldsOf(CreateKeyInput)).map(toJson), jsonValue.map(toJson));
    await fc.assert(
      fc.asyncProperty(
        tenantBody,
        keyBody,
        fc.oneof(fc.constant(tenantId), pathSegment),
        pathSegment,
        async (tb, kb, id, keyId) => {
          clean(await send('POST', '/v1/admin/tenants', tb, ADMIN_TOKEN), `POST /v1/admin/tenants ${tb.slice(0, 200)}`);
          clean(
            await send('POST', `/v1/admin/tenants/${id}/keys`, kb, ADMIN_TOKEN),
            `POST keys ${id.slice(0, 50)} ${kb.slice(0, 200)}`,
          );
          clean(
            await send('GET', `/v1/admin/tenants/${id}/keys`, undefined, ADMIN_TOKEN),
            `GET keys ${id.slice(0, 50)}`,
          );
          clean(
            await send('DELETE', `/v1/admin/tenants/${id}/keys/${keyId}`, undefined, ADMIN_TOKEN),
            `DELETE key ${keyId.slice(0, 50)}`,
          );
        },
      ),
      { numRuns: Math.ceil(RUNS / 2) },
    );
    // Random bodies rarely form a valid tenant: one known-good create proves the accepting path.
    clean(
      await send('POST', '/v1/admin/tenants', JSON.stringify({ name: 'known good' }), ADMIN_TOKEN),
      'POST /v1/admin/tenants (known good)',
    );
    reachedValidation(201, 400, 404);
  });

  it('GET routes: hostile ids, cursors, filters and limits', async () => {
    const q = fc.tuple(jsonKey, oddString).map(([k, v]) => {
      try {
        return `${encodeURIComponent(k)}=${encodeURIComponent(v)}`;
      } catch {
        return `${k.length}=%ED%A0%80`;
      }
    });
    const named = fc
      .tuple(
        fc.constantFrom('kind', 'target', 'status', 'limit', 'cursor', 'limit[]', 'status[a]'),
        fc.oneof(oddString, fc.constantFrom('-1', '0', '1e9', 'NaN', '500', 'queued')),
      )
      .map(([k, v]) => {
        try {
          return `${k}=${encodeURIComponent(v)}`;
        } catch {
          return `${k}=%ED%A0%80`;
        }
      });
    await fc.assert(
      fc.asyncProperty(pathSegment, fc.array(fc.oneof(q, named), { maxLength: 4 }), async (id, params) => {
        const qs = params.length ? `?${params.join('&')}` : '';
        for (const path of [
          `/v1/checks/${id}`,
          `/v1/checks${qs}`,
          `/v1/batches/${id}`,
          `/v1/batches/${id}/checks${qs}`,
        ])
          clean(await send('GET', path), `GET ${path.slice(0, 200)}`);
      }),
      { numRuns: RUNS },
    );
    reachedValidation(200, 404);
  });

  it('GraphQL: submitCheck, submitBatch and reads with hostile variables and documents', async () => {
    const ops = [
      'mutation ($input: SubmitCheckInput!) { submitCheck(input: $input) { id status } }',
      'mutation ($input: SubmitBatchInput!) { submitBatch(input: $input) { id total } }',
      'query ($id: ID!) { check(id: $id) { id status findings { code } } }',
      'query ($id: ID!) { batch(id: $id) { id total } }',
      'query ($kind: String, $status: String, $limit: Int, $cursor: String) { checks(kind: $kind, status: $status, limit: $limit, cursor: $cursor) { items { id } nextCursor } }',
    ];
    const kindInput = fc.oneof(
      ...CHECK_KINDS.map((k) =>
        objectWith(fieldsOf(k.inputClass)).map((o): Json => ({
          entries: [
            ['kind', k.name],
            [kindField(k.name), o],
          ],
        })),
      ),
      objectWith(['kind', ...CHECK_KINDS.map((k) => kindField(k.name))]),
    );
    const variables = fc.oneof(
      kindInput.map((i): Json => ({ entries: [['input', i]] })),
      fc
        .array(kindInput, { maxLength: 5 })
        .map((checks): Json => ({ entries: [['input', { entries: [['checks', checks]] }]] })),
      fc
        .tuple(fc.constantFrom('id', 'kind', 'status', 'limit', 'cursor'), jsonValue)
        .map(([k, v]): Json => ({ entries: [[k, v]] })),
      jsonValue,
    );
    const document = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...ops) },
      { weight: 1, arbitrary: oddString },
      {
        weight: 1,
        arbitrary: fc
          .integer({ min: 10, max: 400 })
          .map((n) => `query { ${'checks { items { id } '.repeat(n)}${'} '.repeat(n * 2)}}`),
      },
    );
    await fc.assert(
      fc.asyncProperty(document, variables, async (query, vars) => {
        const text = `{"query":${JSON.stringify(query)},"variables":${toJson(vars)}}`;
        cleanGraphql(await send('POST', '/graphql', text), `POST /graphql ${text.slice(0, 300)}`);
      }),
      { numRuns: RUNS },
    );
    // Hostile envelopes: the request body itself is not a GraphQL request.
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          jsonValue.map(toJson),
          deepNesting.map(toJson),
          hugeString.map((s) => JSON.stringify({ query: s })),
        ),
        async (text) => {
          cleanGraphql(await send('POST', '/graphql', text), `POST /graphql ${text.slice(0, 200)}`);
        },
      ),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('nothing reached Object.prototype', () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(
      Object.getOwnPropertyNames(Object.getPrototypeOf(Object.create(null) ?? {}) ?? Object.prototype).sort(),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).kind).toBeUndefined();
    expect(({} as Record<string, unknown>).domain).toBeUndefined();
  });
});
