/**
 * The sandbox's webhook signature, shaped like Stripe's: `t=<unix seconds>,v1=<hex HMAC-SHA256>`
 * over `"<t>.<body>"`. The timestamp is signed with the body, so an old delivery cannot be
 * replayed with a fresh `t`; several `v1` entries and several secrets let a secret be rotated
 * without a window where good webhooks are refused.
 */

// Node's crypto has HMAC-SHA256 and a constant-time compare: a library would add a dependency and nothing else.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidWebhook } from './port';

export const SIGNATURE_HEADER = 'sandbox-signature';
export const DEFAULT_TOLERANCE_S = 300;

const SIGNATURE = /^[0-9a-f]{64}$/;

function hmac(secret: string, timestampS: number, body: string): Buffer {
  return createHmac('sha256', secret).update(`${timestampS}.${body}`).digest();
}

export function signWebhook(secret: string, body: string, timestampS: number): string {
  return `t=${timestampS},v1=${hmac(secret, timestampS, body).toString('hex')}`;
}

/** Returns when one `v1` entry matches one of `secrets` and `t` is within `toleranceS` of now; throws `InvalidWebhook` otherwise. */
export function verifyWebhook(
  secrets: string[] | string,
  header: string | undefined,
  body: string,
  opts: { toleranceS?: number; nowS?: number } = {},
): void {
  const keys = (typeof secrets === 'string' ? [secrets] : secrets).filter((s) => s !== '');
  // A configuration bug, not a bad webhook: no request could ever pass.
  if (keys.length === 0) throw new TypeError('verifyWebhook: no webhook secret given');
  const { toleranceS = DEFAULT_TOLERANCE_S, nowS = Math.floor(Date.now() / 1000) } = opts;

  const { timestampS, signatures } = parseHeader(header);
  const ageS = nowS - timestampS;
  if (ageS > toleranceS) throw new InvalidWebhook(`webhook timestamp is ${ageS} s old, beyond the ${toleranceS} s tolerance`);
  if (-ageS > toleranceS) throw new InvalidWebhook(`webhook timestamp is ${-ageS} s in the future, beyond the ${toleranceS} s tolerance`);

  const candidates = signatures.filter((s) => SIGNATURE.test(s)).map((s) => Buffer.from(s, 'hex'));
  const matches = keys.some((key) => {
    const expected = hmac(key, timestampS, body);
    return candidates.some((candidate) => timingSafeEqual(candidate, expected));
  });
  if (!matches) throw new InvalidWebhook('no webhook signature matches the body and a known secret');
}

function parseHeader(header: string | undefined): { timestampS: number; signatures: string[] } {
  if (header === undefined || header.trim() === '') throw new InvalidWebhook(`missing ${SIGNATURE_HEADER} header`);
  const timestamps: string[] = [];
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at <= 0) throw new InvalidWebhook(`malformed ${SIGNATURE_HEADER} header: expected t=<seconds>,v1=<hex>`);
    const name = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (name === 't') timestamps.push(value);
    else if (name === 'v1') signatures.push(value.toLowerCase());
    // Other schemes (v0, a future v2) are skipped, as Stripe's clients do.
  }
  const [timestamp] = timestamps;
  if (timestamps.length !== 1 || timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) {
    throw new InvalidWebhook(`malformed ${SIGNATURE_HEADER} header: expected exactly one t=<unix seconds>`);
  }
  if (signatures.length === 0) throw new InvalidWebhook(`malformed ${SIGNATURE_HEADER} header: no v1 signature`);
  return { timestampS: Number(timestamp), signatures };
}
