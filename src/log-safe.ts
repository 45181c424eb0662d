/**
 * An error as it may be logged: name, message and codes only. Errors from the Bot API carry
 * the request payload (the reply, which quotes the person's text), so they are never logged whole.
 */
export function errorForLog(e: unknown): Record<string, unknown> {
  if (!(e instanceof Error)) return { type: typeof e };
  const out: Record<string, unknown> = { type: e.name, message: e.message };
  const extra = e as unknown as Record<string, unknown>;
  for (const key of ['code', 'error_code', 'method', 'status']) {
    if (typeof extra[key] === 'string' || typeof extra[key] === 'number') out[key] = extra[key];
  }
  if (e.stack) out.stack = e.stack.split('\n').slice(1, 6).join('\n');
  return out;
}
