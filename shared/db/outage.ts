// Which failures mean "the database is not there right now" (unreachable, restarting, failing over,
// out of connections) rather than "this request is wrong". The API answers those with 503 and
// Retry-After, so clients retry instead of treating the request as broken.

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
// 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now;
// 53300: too many connections; 53400: configuration limit exceeded.
const SQLSTATE = /^(08...|57P0[123]|53300|53400)$/;
const PG_MESSAGES = [
  'timeout exceeded when trying to connect', // pg.Pool connectionTimeoutMillis
  'Connection terminated',
  'Client has encountered a connection error',
  'Connection refused',
];

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const stack: unknown[] = [error];
  while (stack.length > 0) {
    const e = stack.pop() as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown } | null | undefined;
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || SQLSTATE.test(e.code))) return true;
    if (typeof e.message === 'string' && PG_MESSAGES.some((m) => (e.message as string).includes(m))) return true;
    // Node reports a refused dual-stack connect as an AggregateError of one error per address.
    if (Array.isArray(e.errors)) stack.push(...e.errors);
    if (e.cause) stack.push(e.cause);
  }
  return false;
}

/** The one line `npm start` prints when the database cannot be reached, instead of a raw stack. */
export function describeDatabaseFailure(error: unknown, where: string): string {
  const e = error as { code?: unknown; message?: unknown } | null;
  const reason = typeof e?.code === 'string' ? e.code : typeof e?.message === 'string' ? e.message.split('\n')[0] : String(error);
  return `cannot reach the database at ${where} (${reason}); is it running, and is DATABASE_URL right?`;
}
