import { describe, expect, it } from 'vitest';
import { InvalidWebhook } from '../src/provider/port';
import { signWebhook, verifyWebhook } from '../src/provider/webhook-signature';

const SECRET = 'whsec_current';
const OLD_SECRET = 'whsec_previous';
const BODY = '{"id":"evt_1","type":"authorization.succeeded","data":{"reference":"auth_1","key":"k1"}}';
const NOW = 1_750_000_000;

const rejects = (run: () => void, message: RegExp) => expect(run).toThrow(expect.objectContaining({ name: 'InvalidWebhook', message: expect.stringMatching(message) }));

describe('webhook signatures', () => {
  it('a body signed with the secret verifies, and the header has the t=…,v1=… shape', () => {
    const header = signWebhook(SECRET, BODY, NOW);
    expect(header).toMatch(/^t=1750000000,v1=[0-9a-f]{64}$/);
    expect(() => verifyWebhook(SECRET, header, BODY, { nowS: NOW })).not.toThrow();
  });

  it('a body changed after signing is refused', () => {
    const header = signWebhook(SECRET, BODY, NOW);
    rejects(() => verifyWebhook(SECRET, header, BODY.replace('auth_1', 'auth_2'), { nowS: NOW }), /no webhook signature matches/);
  });

  it('a timestamp changed after signing is refused, so an old delivery cannot be made fresh', () => {
    const signature = signWebhook(SECRET, BODY, NOW - 3600).split(',')[1];
    rejects(() => verifyWebhook(SECRET, `t=${NOW},${signature}`, BODY, { nowS: NOW }), /no webhook signature matches/);
  });

  it('a body signed with another secret is refused', () => {
    const header = signWebhook('whsec_someone_else', BODY, NOW);
    rejects(() => verifyWebhook(SECRET, header, BODY, { nowS: NOW }), /no webhook signature matches/);
  });

  it('during a rotation a body signed with either secret verifies, and one with neither does not', () => {
    const secrets = [SECRET, OLD_SECRET];
    expect(() => verifyWebhook(secrets, signWebhook(SECRET, BODY, NOW), BODY, { nowS: NOW })).not.toThrow();
    expect(() => verifyWebhook(secrets, signWebhook(OLD_SECRET, BODY, NOW), BODY, { nowS: NOW })).not.toThrow();
    rejects(() => verifyWebhook(secrets, signWebhook('whsec_other', BODY, NOW), BODY, { nowS: NOW }), /no webhook signature matches/);
  });

  it('a header carrying several v1 signatures verifies when any one matches', () => {
    const current = signWebhook(SECRET, BODY, NOW).split(',')[1];
    const stale = signWebhook(OLD_SECRET, BODY, NOW).split(',')[1];
    expect(() => verifyWebhook(SECRET, `t=${NOW},${stale},${current}`, BODY, { nowS: NOW })).not.toThrow();
    expect(() => verifyWebhook(SECRET, `t=${NOW},v0=abc,${current}`, BODY, { nowS: NOW })).not.toThrow();
  });

  it('a signature older than the tolerance is refused; one just inside it verifies', () => {
    const header = signWebhook(SECRET, BODY, NOW - 301);
    rejects(() => verifyWebhook(SECRET, header, BODY, { nowS: NOW }), /301 s old/);
    expect(() => verifyWebhook(SECRET, signWebhook(SECRET, BODY, NOW - 300), BODY, { nowS: NOW })).not.toThrow();
    rejects(() => verifyWebhook(SECRET, signWebhook(SECRET, BODY, NOW - 60), BODY, { nowS: NOW, toleranceS: 30 }), /60 s old/);
  });

  it('a signature from further in the future than the tolerance is refused', () => {
    const header = signWebhook(SECRET, BODY, NOW + 301);
    rejects(() => verifyWebhook(SECRET, header, BODY, { nowS: NOW }), /in the future/);
    expect(() => verifyWebhook(SECRET, signWebhook(SECRET, BODY, NOW + 300), BODY, { nowS: NOW })).not.toThrow();
  });

  it('without nowS the clock is used', () => {
    const nowS = Math.floor(Date.now() / 1000);
    expect(() => verifyWebhook(SECRET, signWebhook(SECRET, BODY, nowS), BODY)).not.toThrow();
    rejects(() => verifyWebhook(SECRET, signWebhook(SECRET, BODY, nowS - 3600), BODY), /old/);
  });

  it.each([
    ['missing', undefined, /missing sandbox-signature header/],
    ['empty', '', /missing sandbox-signature header/],
    ['not key=value', 'garbage', /malformed/],
    ['without a timestamp', `v1=${'a'.repeat(64)}`, /exactly one t=/],
    ['with a non-numeric timestamp', `t=soon,v1=${'a'.repeat(64)}`, /exactly one t=/],
    ['with two timestamps', `t=${NOW},t=${NOW},v1=${'a'.repeat(64)}`, /exactly one t=/],
    ['without a v1 signature', `t=${NOW}`, /no v1 signature/],
    ['with a v1 that is not hex', `t=${NOW},v1=zz`, /no webhook signature matches/],
  ])('a header %s is refused with InvalidWebhook', (_what, header, message) => {
    expect(() => verifyWebhook(SECRET, header, BODY, { nowS: NOW })).toThrow(InvalidWebhook);
    rejects(() => verifyWebhook(SECRET, header, BODY, { nowS: NOW }), message);
  });

  it('no secret at all is a configuration error, not a bad webhook', () => {
    expect(() => verifyWebhook([], signWebhook(SECRET, BODY, NOW), BODY, { nowS: NOW })).toThrow(TypeError);
  });
});
