import { readFileSync, readdirSync } from 'node:fs';

/**
 * Every code a service's sources throw as `new DomainError('CODE', …)` with a literal code: what
 * its HTTP error table must answer (one missing would be a 500). `src` is the folder's URL.
 */
export const domainErrorCodes = (src: URL): string[] =>
  readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => [...readFileSync(new URL(f, src), 'utf8').matchAll(/new DomainError\(\s*'([A-Z_.]+)'/g)].map((m) => m[1]!));
