import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { SmtpCheckInput } from '../../src/probe/probe.input';
import { smtpKind } from '../../src/probe/probe.kind';

async function errors(body: Record<string, unknown>) {
  const input = plainToInstance(SmtpCheckInput, body);
  const errs = await validate(input, { whitelist: true, forbidNonWhitelisted: true });
  return {
    input,
    props: errs
      .map((e) => e.property)
      .concat(errs.flatMap((e) => e.children?.map((c) => `${e.property}.${c.property}`) ?? [])),
  };
}

describe('SmtpCheckInput', () => {
  it('needs a domain or a host', async () => {
    expect((await errors({})).props).toEqual(['domain']);
    expect((await errors({ host: 'MX.Example.COM.' })).props).toEqual([]);
    expect((await errors({ domain: 'example.com' })).props).toEqual([]);
  });
  it('normalises and bounds every field', async () => {
    const { input, props } = await errors({ host: 'MX.Example.COM.', recipient: 'User@Example.COM', ports: [587] });
    expect(props).toEqual([]);
    expect(input).toMatchObject({ host: 'mx.example.com', recipient: 'User@example.com' });
    expect((await errors({ host: 'mx.example.com', ports: [0, 25] })).props).toContain('ports');
    expect((await errors({ host: 'mx.example.com', ports: [25, 465, 587, 2525, 26] })).props).toContain('ports');
    expect((await errors({ host: 'mx.example.com', timeoutMs: 10 })).props).toContain('timeoutMs');
    expect((await errors({ host: 'mx.example.com', recipient: 'a@b\r\nDATA' })).props).toContain('recipient');
    expect((await errors({ host: 'mx.example.com', auth: { username: 'u\r\nx', password: 'p' } })).props).toContain(
      'auth.username',
    );
  });
  it('accepts the null sender as mailFrom ""', async () => {
    expect((await errors({ host: 'mx.example.com', mailFrom: '' })).props).toEqual([]);
    expect((await errors({ host: 'mx.example.com', mailFrom: 'not an address' })).props).toContain('mailFrom');
  });
  it('builds the input from CLI flags', () => {
    expect(smtpKind.cli!.toInput('mx.example.com', { port: '587', rcpt: 'a@b.example' })).toEqual({
      host: 'mx.example.com',
      ports: [587],
      recipient: 'a@b.example',
    });
    expect(smtpKind.cli!.toInput('example.com', { mx: true, port: ['25', '465'], 'relay-test': true })).toEqual({
      domain: 'example.com',
      ports: [25, 465],
      relayTest: true,
    });
  });
});
