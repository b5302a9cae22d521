import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.schema';
import { contentKind, rawMessageOf } from '../../src/content-spam-check/content.kind';
import { ContentCheckInput } from '../../src/content-spam-check/content.input';
import { startContentDns } from './dns-fixture';

async function errors(body: unknown) {
  return validate(plainToInstance(ContentCheckInput, body));
}

describe('ContentCheckInput', () => {
  it('accepts exactly one of message / email', async () => {
    expect(await errors({ message: 'Subject: x\r\n\r\ny' })).toHaveLength(0);
    expect(
      await errors({ email: { from: 'a@example.com', to: ['b@example.net'], subject: 'x', text: 'y' } }),
    ).toHaveLength(0);
    expect((await errors({})).length).toBeGreaterThan(0);
    expect(
      (await errors({ message: 'x', email: { from: 'a@example.com', to: ['b@example.net'], subject: 'x' } })).length,
    ).toBeGreaterThan(0);
  });

  it('validates nested attachments and context', async () => {
    const bad = await errors({
      email: {
        from: 'a@example.com',
        to: ['b@example.net'],
        subject: 'x',
        attachments: [{ filename: 'a.txt', contentType: 'nonsense', content: '!!' }],
      },
      context: { clientIp: 'not-an-ip' },
    });
    expect(JSON.stringify(bad)).toMatch(/contentType/);
    expect(JSON.stringify(bad)).toMatch(/clientIp/);
  });
});

describe('kind content', () => {
  it('assembles the structured form with MailComposer and scores it through the kind', async () => {
    const env = await startContentDns();
    try {
      const input = plainToInstance(ContentCheckInput, {
        email: {
          from: 'Shop <deals@sender.example>',
          to: ['ann@receiver.example'],
          subject: 'ACT NOW!!! FREE MONEY',
          html: '<p>Click here: <a href="http://203.0.113.9/win">https://www.paypal.com</a></p>',
          attachments: [
            {
              filename: 'prize.pdf.exe',
              contentType: 'application/pdf',
              content: Buffer.from('MZ' + '\0'.repeat(100)).toString('base64'),
            },
          ],
        },
      });
      const raw = await rawMessageOf(input);
      expect(raw.toString()).toMatch(/^Content-Type: multipart\/mixed/m);
      const progress: number[] = [];
      const out = await contentKind.run(input, {
        config: loadConfig({}),
        ports: {
          dns: env.deps.dns,
          clock: { now: () => new Date() },
          log: { debug() {}, info() {}, warn() {} },
          spamEngines: [],
        },
        signal: new AbortController().signal,
        progress: (p) => progress.push(p),
        secrets: {},
      });
      expect(out.verdict).toBe('fail');
      expect(out.result.isSpam).toBe(true);
      expect(out.findings.map((f) => f.code)).toEqual(
        expect.arrayContaining([
          'ATTACHMENT_EXECUTABLE',
          'ATTACHMENT_DOUBLE_EXTENSION',
          'LINK_TEXT_DOMAIN_MISMATCH',
          'URL_RAW_IP',
          'HTML_ONLY',
          'SUBJECT_EXCLAMATIONS',
        ]),
      );
      expect(progress.at(-1)).toBe(100);
      expect(contentKind.target(input)).toBe('ACT NOW!!! FREE MONEY');
    } finally {
      await env.server.stop();
    }
  });

  it('declares every code it can emit', () => {
    const catalog = new Set(contentKind.findings.map((f) => f.code));
    expect(catalog.has('GTUBE')).toBe(true);
    expect(contentKind.findings.every((f) => f.module === 'content')).toBe(true);
  });
});
