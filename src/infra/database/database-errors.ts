/**
 * Whether an error from opening or migrating the database means "could not reach or open it"
 * (start it, fix DATABASE_URL, fix the folder's permissions), as opposed to a database that
 * answered and refused something (a failed migration, a lock held too long), which must be
 * reported as what it is. Follows the error's `cause` chain (migrate() wraps driver errors).
 */
export function isConnectionFailure(e: unknown): boolean {
  for (const { code, message } of causeChain(e)) {
    if (
      typeof code === 'string' &&
      (SYSTEM_CODES.has(code) || isPostgresConnectionState(code) || SQLITE_CODES.has(code))
    )
      return true;
    if (typeof message === 'string' && PG_CLIENT_MESSAGES.test(message)) return true;
  }
  return false;
}

/** The error and its `cause` chain, at most five deep (migrate() and connectDatabase wrap driver errors). */
function* causeChain(e: unknown): Generator<{ code?: unknown; message?: unknown }> {
  for (let err = e, depth = 0; err && typeof err === 'object' && depth < 5; depth++) {
    yield err as { code?: unknown; message?: unknown };
    err = (err as { cause?: unknown }).cause;
  }
}

/** Node's socket and file-system errors: the server or the SQLite folder cannot be reached. */
const SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EPIPE',
  'ENOENT',
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOTDIR',
  'EISDIR',
]);

/**
 * PostgreSQL SQLSTATEs (appendix A): class 08 connection exception, class 28 invalid authorization
 * (wrong password, no pg_hba entry), 3D000 the database does not exist, 53300 too many
 * connections, 57P01-57P03 the server is shutting down or starting up.
 */
function isPostgresConnectionState(code: string): boolean {
  return /^(08|28)[0-9A-Z]{3}$/.test(code) || ['3D000', '53300', '57P01', '57P02', '57P03'].includes(code);
}

/** better-sqlite3's codes for a file it cannot open or write. */
const SQLITE_CODES = new Set([
  'SQLITE_CANTOPEN',
  'SQLITE_PERM',
  'SQLITE_READONLY',
  'SQLITE_READONLY_DIRECTORY',
  'SQLITE_AUTH',
]);

/** node-postgres raises these without a code (pg/lib/client.js, pg-pool/index.js). */
const PG_CLIENT_MESSAGES =
  /^(timeout expired|timeout exceeded when trying to connect|Connection terminated( unexpectedly| due to connection timeout)?|Client has encountered a connection error and is not queryable)$/;

/**
 * How long a start-up may keep trying after this error (storage.module.ts, connectDatabase):
 * - `wait`: the database is there but slow or busy (a connect or handshake timeout, a reset
 *   connection, 53300 too many connections, 57P03 starting up): keep trying up to the long wait.
 * - `brief`: nothing answers yet (refused, unknown host, 57P01/57P02 shutting down): the database
 *   may be starting beside the service (compose, a CI job), so try for a few seconds, then say so.
 * - undefined: trying again cannot help (wrong password, no such database, a SQLite folder that
 *   cannot be written, a failed migration): fail at once.
 */
export function connectionRetry(e: unknown): 'wait' | 'brief' | undefined {
  let brief = false;
  for (const { code, message } of causeChain(e)) {
    if (typeof code === 'string') {
      if (WAIT_CODES.has(code)) return 'wait';
      if (BRIEF_CODES.has(code)) brief = true;
    }
    if (typeof message === 'string' && PG_CLIENT_MESSAGES.test(message)) return 'wait';
  }
  return brief ? 'brief' : undefined;
}

const WAIT_CODES = new Set(['ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'EAI_AGAIN', '53300', '57P03']);
const BRIEF_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  '57P01',
  '57P02',
]);
