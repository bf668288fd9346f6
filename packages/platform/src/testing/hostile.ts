import { Writable } from 'node:stream';
import fc from 'fast-check';
import { expect } from 'vitest';
import { createLogger, type Logger } from '../logger';

/**
 * What careless and hostile clients put in text: NUL and the other C0 controls, DEL, C1
 * controls, lone UTF-16 surrogates (JSON's `\ud800` parses to one), a replacement character, a
 * byte-order mark, a bidi override, and the whitespace controls a multi-line field may keep.
 */
export const HOSTILE_CHARACTERS = [
  '\u0000', '\u0001', '\u0007', '\b', '\u000b', '\u000c', '\u001b', '\u001f', '\u007f', '\u0085', '\u009b',
  '\ud800', '\udbff', '\udc00', '\udfff', '\ufffd', '\ufeff', '\u202e', '\t', '\n', '\r',
] as const;

const ordinary = fc.constantFrom('a', 'Z', '0', ' ', 'ç', 'ã', 'é', '😀', '"', '\\', '%', "'", ';', '-', '_', '.', '/');

/** Text that is mostly ordinary with hostile characters mixed in, or nothing but them. */
export const hostileText = (maxLength = 40) =>
  fc.string({ unit: fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...HOSTILE_CHARACTERS) }, { weight: 3, arbitrary: ordinary }), maxLength });

/** Byte sequences that are not UTF-8: a lone continuation byte, a truncated sequence, an encoded surrogate, an overlong NUL. */
export const invalidUtf8 = fc.constantFrom(
  Buffer.from([0xff]), Buffer.from([0x80]), Buffer.from([0xc3]), Buffer.from([0xe2, 0x82]),
  Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xc0, 0x80]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
);

/**
 * A JSON body as bytes with `bytes` spliced into the string value of `field`: what a client with
 * the wrong encoding sends. `body[field]` must be a string.
 */
export function withRawBytes(body: Record<string, unknown>, field: string, bytes: Buffer): Buffer {
  const marker = '\u2063MARK\u2063';
  const json = JSON.stringify({ ...body, [field]: `${String(body[field])}${marker}` });
  const [before, after] = json.split(marker) as [string, string];
  return Buffer.concat([Buffer.from(before, 'utf8'), bytes, Buffer.from(after, 'utf8')]);
}

/** A logger at `info` whose lines a test can read: what the service would print in production. */
export function capturedLog(): { log: Logger; lines: () => string[]; entries: () => LogEntry[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return {
    log: createLogger({ level: 'info', service: 'test', destination }),
    lines: () => lines,
    entries: () => lines.map((line) => JSON.parse(line) as LogEntry),
  };
}

/** A log line as JSON: its message and whatever fields it carries. */
export interface LogEntry {
  msg: string;
  [field: string]: unknown;
}

interface InjectReply {
  statusCode: number;
  headers: Record<string, unknown>;
}

/** Never a 5xx; any refusal is problem+json. */
export function expectHandled(reply: InjectReply, what: string): void {
  expect(reply.statusCode, what).toBeLessThan(500);
  if (reply.statusCode >= 400) expect(String(reply.headers['content-type']), what).toContain('application/problem+json');
}

/** No line carries a query's parameters, PostgreSQL's quoted detail, or any of `secrets`. */
export function expectNoSecretsLogged(lines: string[], secrets: string[] = []): void {
  const leaks = lines.filter((line) => /params:|Failed query|"detail"/.test(line) || secrets.some((s) => s !== '' && line.includes(s)));
  expect(leaks).toEqual([]);
}

/**
 * Whether a text field should accept `text`, told independently of the validator: no code point
 * below U+0020 (but tab, LF and CR where the field spans lines), none of U+007F–U+009F, no
 * byte-order mark, and no surrogate that is not half of a pair.
 */
export function isAcceptableText(text: string, multiLine: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return false;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) return false;
    if (multiLine && (unit === 0x09 || unit === 0x0a || unit === 0x0d)) continue;
    if (unit < 0x20 || (unit >= 0x7f && unit <= 0x9f) || unit === 0xfeff) return false;
  }
  return true;
}

/**
 * Percent-encodes every byte, as a client with its own idea of encoding would: a lone surrogate
 * goes out as its three-byte (WTF-8) form, which `encodeURIComponent` refuses to write.
 */
export function percentEncode(text: string | Buffer): string {
  const bytes = typeof text !== 'string' ? [...text] : [...text].flatMap((ch) => {
    const cp = ch.codePointAt(0)!;
    return cp >= 0xd800 && cp <= 0xdfff ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)] : [...Buffer.from(ch, 'utf8')];
  });
  return bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}
