import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets (SMTP passwords) travel from API to worker inside the job payload encrypted with
 * AES-256-GCM, and are never stored in the database or logged. With ROLE=all and no SECRET_KEY, a
 * per-process random key is used (api and worker share the process, so that is enough).
 */
export class SecretBox {
  private readonly key: Buffer;
  constructor(secretKey: string | undefined) {
    this.key = secretKey
      ? /^[0-9a-fA-F]{64}$/.test(secretKey)
        ? Buffer.from(secretKey, 'hex')
        : Buffer.from(secretKey, 'base64')
      : randomBytes(32);
  }

  seal(secrets: Record<string, string>): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(JSON.stringify(secrets), 'utf8'), c.final()]);
    return [iv, c.getAuthTag(), body].map((b) => b.toString('base64')).join('.');
  }

  open(sealed: string): Record<string, string> {
    const [iv, tag, body] = sealed.split('.').map((s) => Buffer.from(s, 'base64'));
    const d = createDecipheriv('aes-256-gcm', this.key, iv!);
    d.setAuthTag(tag!);
    return JSON.parse(Buffer.concat([d.update(body!), d.final()]).toString('utf8')) as Record<string, string>;
  }
}
