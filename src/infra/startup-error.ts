/** A dependency (database, Redis) is unreachable at boot: main.ts prints it on one line and exits 69 (EX_UNAVAILABLE). */
export class StartupError extends Error {}
