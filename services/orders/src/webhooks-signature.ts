import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/** A new endpoint secret in the Standard Webhooks format: `whsec_` + base64 of 32 random bytes. */
export const newWebhookSecret = () => SECRET_PREFIX + randomBytes(32).toString('base64');

/**
 * The `webhook-signature` header of one delivery (Standard Webhooks, `v1`): the HMAC-SHA256 of
 * `id.timestamp.body` keyed with the secret's decoded bytes. The same code is the receiver's
 * check published in docs/operations.md.
 */
export function webhookSignature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}
