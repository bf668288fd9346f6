import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
// A stored hash is trusted only this far: a tampered row must not cost seconds or gigabytes per login.
const MAX_LOG_N = 20;

interface Params {
  N: number;
  r: number;
  p: number;
}

function derive(password: string, salt: Buffer, keyLength: number, { N, r, p }: Params): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // NFKC: the same password typed on another keyboard or OS still matches.
    scrypt(password.normalize('NFKC'), salt, keyLength, { N, r, p, maxmem: 256 * N * r * p }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** `scrypt$N$r$p$salt$hash` (base64url): the parameters travel with the hash, so the cost can change later. */
export async function hashPassword(password: string, logN: number): Promise<string> {
  const params = { N: 2 ** logN, r: BLOCK_SIZE, p: PARALLELISM };
  const salt = randomBytes(SALT_LENGTH);
  const hash = await derive(password, salt, KEY_LENGTH, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

function parse(stored: string): (Params & { salt: Buffer; hash: Buffer }) | undefined {
  const [scheme, n, r, p, salt, hash, ...rest] = stored.split('$');
  if (scheme !== 'scrypt' || rest.length > 0 || salt === undefined || hash === undefined) return undefined;
  const [N, R, P] = [n, r, p].map((v) => (/^\d{1,8}$/.test(v ?? '') ? Number(v) : NaN)) as [number, number, number];
  const powerOfTwo = N >= 2 && N <= 2 ** MAX_LOG_N && (N & (N - 1)) === 0;
  if (!powerOfTwo || !(R >= 1 && R <= 32) || !(P >= 1 && P <= 16)) return undefined;
  const [saltBytes, hashBytes] = [Buffer.from(salt, 'base64url'), Buffer.from(hash, 'base64url')];
  if (saltBytes.length !== SALT_LENGTH || hashBytes.length !== KEY_LENGTH) return undefined;
  return { N, r: R, p: P, salt: saltBytes, hash: hashBytes };
}

/** False for a wrong password and for anything that is not a hash we wrote. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const candidate = await derive(password, parsed.salt, KEY_LENGTH, parsed);
  return timingSafeEqual(candidate, parsed.hash);
}

/** True when a hash was made with other parameters than new hashes get now. */
export function needsRehash(stored: string, logN: number): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.N !== 2 ** logN || parsed.r !== BLOCK_SIZE || parsed.p !== PARALLELISM;
}
