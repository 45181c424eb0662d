import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The header Meta signs every webhook POST with. */
export const SIGNATURE_HEADER = 'x-hub-signature-256';

/**
 * The X-Hub-Signature-256 value Meta sends for these exact bytes: "sha256=" + hex HMAC-SHA256
 * keyed with the app secret.
 *
 * @example
 * signBody(appSecret, Buffer.from('{"object":"whatsapp_business_account","entry":[]}')) // "sha256=5f1c…"
 */
export function signBody(appSecret: string, raw: Buffer): string {
  return `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
}

/** True when `header` is the signature of `raw`; compared in constant time, on the raw bytes, before any parsing. */
export function validSignature(appSecret: string, raw: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(appSecret, raw), 'utf8');
  const got = Buffer.from(header.trim().toLowerCase(), 'utf8');
  // timingSafeEqual throws on different lengths; the length of a hex digest is no secret.
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** Constant-time string comparison that leaks neither content nor length (both sides are hashed first). */
export function sameToken(got: string | undefined, expected: string): boolean {
  if (got === undefined || expected.length === 0) return false;
  const a = createHash('sha256').update(got, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
