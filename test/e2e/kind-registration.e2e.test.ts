import 'reflect-metadata';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckKind } from '../../src/checks/check-kind.decorator';
import { CheckQueueProcessor } from '../../src/checks/check-queue.processor';
import { CheckRunner } from '../../src/checks/check.runner';
import { KindRegistrationError, KindRegistry } from '../../src/checks/registry';
import { systemClock } from '../../src/infra/ports.factory';
import { CLOCK, type PortToken } from '../../src/infra/ports.tokens';
import { ProcessorCatalog } from '../../src/infra/queue/processor.catalog';
import { auth, startTestApp, TENANT_A_KEY, until, type TestApp } from '../support/app';
import { CHECK_KINDS } from '../support/kinds';
import { NoopKind, noopKind } from '../support/noop/noop.kind';
import { NoopKindModule } from '../support/noop/noop.module';

/**
 * Adding a kind is one folder plus one import in the module that owns it: the test-only kind
 * `noop` (test/support/noop/) is registered by a test module and nothing else, and the whole
 * pipeline picks it up: registry, REST and GraphQL contracts, finding catalog, queue and worker.
 */
describe('a kind registered from a module of its own (test-only kind noop)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { imports: [NoopKindModule] });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is discovered by the registry, next to the service kinds, on a queue of its own', () => {
    // Discovery order is module registration order; modules composed in at boot register first.
    expect(t.platform.kinds.names()).toEqual(['noop', ...CHECK_KINDS.map((k) => k.name)]);
    expect(CHECK_KINDS.map((k) => k.name)).toEqual(['mx', 'dns', 'smtp', 'content', 'health']);
    expect([...t.platform.queues.queues.keys()].sort()).toEqual(['content', 'dns', 'noop', 'probe', 'reports']);
  });

  it('runs end to end over REST, validated by its input class, with its codes in the catalog', async () => {
    const done = await request(t.url)
      .post('/v1/checks?wait=20')
      .set(auth(TENANT_A_KEY))
      .send({ kind: 'noop', target: 'pipe' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ kind: 'noop', target: 'pipe', status: 'completed', verdict: 'pass', score: 100 });
    expect(done.body.findings.map((f: { code: string }) => f.code)).toEqual(['NOOP_DONE']);

    const bad = await request(t.url).post('/v1/checks').set(auth(TENANT_A_KEY)).send({ kind: 'noop' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('target');

    const catalog = await request(t.url).get('/v1/findings');
    expect(catalog.body.map((f: { code: string }) => f.code)).toContain('NOOP_DONE');
  });

  it('runs over GraphQL, through the field SubmitCheckInput gained for it', async () => {
    const gql = (query: string, variables: object = {}) =>
      request(t.url).post('/graphql').set(auth(TENANT_A_KEY)).send({ query, variables });
    const sub = await gql(
      'mutation { submitCheck(input: { kind: "noop", noop: { target: "gql" } }) { id kind status } }',
    );
    expect(sub.body.errors).toBeUndefined();
    expect(sub.body.data.submitCheck).toMatchObject({ kind: 'noop', status: 'queued' });
    const check = await until(
      async () => {
        const r = await gql('query ($id: ID!) { check(id: $id) { status verdict target } }', {
          id: sub.body.data.submitCheck.id,
        });
        return r.body.data?.check?.status === 'completed' ? r.body.data.check : undefined;
      },
      30_000,
      200,
    );
    expect(check).toEqual({ status: 'completed', verdict: 'pass', target: 'gql' });
  });
});

describe('the registry refuses to boot a kind that is not registered correctly', () => {
  /** A bare container (no database, no Redis): the registry and what it checks a kind against. */
  const boot = (...providers: unknown[]) =>
    Test.createTestingModule({
      imports: [DiscoveryModule],
      providers: [
        KindRegistry,
        ProcessorCatalog,
        { provide: CheckRunner, useValue: {} },
        { provide: CLOCK, useValue: systemClock },
        ...(providers as never[]),
      ],
    }).compile();

  it('accepts a kind with its input class, its queue processor and its ports', async () => {
    const m = await boot(NoopKind, CheckQueueProcessor('noop'));
    expect(m.get(KindRegistry).names()).toEqual(['noop']);
    await m.close();
  });

  it('names every problem: no input class, a queue without processor, a port nobody provides', async () => {
    const MISSING_PORT = Symbol('MISSING_PORT') as unknown as PortToken;
    @CheckKind(
      { ...noopKind, name: 'broken', inputClass: undefined as never, queue: 'nowhere' },
      { ports: [CLOCK, MISSING_PORT] },
    )
    class BrokenKind {}
    const err = await boot(BrokenKind, CheckQueueProcessor('noop')).catch((e: Error) => e);
    expect(err).toBeInstanceOf(KindRegistrationError);
    const problems = (err as KindRegistrationError).problems;
    expect(problems).toEqual([
      'kind "broken": no input class (a class-validator + @InputType class)',
      'kind "broken": queue "nowhere" has no check processor (import CheckQueueProcessor(\'nowhere\') in the module that owns the kind)',
      'kind "broken": port Symbol(MISSING_PORT) is not provided (PortsModule provides the ports)',
    ]);
  });

  it('refuses the noop kind without its queue processor', async () => {
    const err = await boot(NoopKind).catch((e: Error) => e);
    expect(err).toBeInstanceOf(KindRegistrationError);
    expect((err as Error).message).toContain('kind "noop": queue "noop" has no check processor');
  });
});
