import { createHmac } from 'node:crypto';
import type { SmtpSession, TimedReply } from './smtp-client';

/**
 * SASL mechanisms for SMTP AUTH (RFC 4954): PLAIN (RFC 4616), LOGIN (draft-murchison-sasl-login)
 * and CRAM-MD5 (RFC 2195). Every line carrying credentials is redacted in the transcript.
 */
export type AuthMechanism = 'PLAIN' | 'LOGIN' | 'CRAM-MD5';

const REDACTED = '<redacted>';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/**
 * Pick a mechanism. Over TLS, PLAIN is fine and simplest. Without TLS only CRAM-MD5 keeps the
 * password off the wire; PLAIN/LOGIN in clear text are refused (null) to protect the user.
 */
export function chooseMechanism(offered: string[], tls: boolean): AuthMechanism | null {
  const has = (m: AuthMechanism) => offered.includes(m);
  if (tls) return has('PLAIN') ? 'PLAIN' : has('LOGIN') ? 'LOGIN' : has('CRAM-MD5') ? 'CRAM-MD5' : null;
  return has('CRAM-MD5') ? 'CRAM-MD5' : null;
}

/** Runs the exchange; returns the final reply (235 on success). Failures are replies, not throws. */
export async function authenticate(
  s: SmtpSession,
  mech: AuthMechanism,
  username: string,
  password: string,
): Promise<TimedReply> {
  switch (mech) {
    case 'PLAIN':
      return s.command('auth', `AUTH PLAIN ${b64(`\0${username}\0${password}`)}`, `AUTH PLAIN ${REDACTED}`);
    case 'LOGIN': {
      const r1 = await s.command('auth', 'AUTH LOGIN');
      if (r1.reply.code !== 334) return r1;
      const r2 = await s.command('auth', b64(username), REDACTED);
      if (r2.reply.code !== 334) return r2;
      return s.command('auth', b64(password), REDACTED);
    }
    case 'CRAM-MD5': {
      const r1 = await s.command('auth', 'AUTH CRAM-MD5');
      if (r1.reply.code !== 334) return r1;
      const challenge = Buffer.from(r1.reply.text.trim(), 'base64').toString('utf8');
      const digest = createHmac('md5', password).update(challenge).digest('hex');
      return s.command('auth', b64(`${username} ${digest}`), REDACTED);
    }
  }
}
