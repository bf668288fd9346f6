import { describe, expect, it } from 'vitest';
import { domainErrorCodes } from '@pedidos/platform/testing';
import { identityErrors } from '../src/http/errors';

describe('the identity error table', () => {
  it('answers every code the service refuses with: one missing would be a 500', () => {
    const codes = domainErrorCodes(new URL('../src/', import.meta.url));
    expect(codes).toEqual(expect.arrayContaining(['USER.WEAK_PASSWORD', 'AUTH.ACCOUNT_LOCKED', 'AUTH.INVALID_TOKEN']));
    for (const code of codes) expect(Object.keys(identityErrors.mappings), code).toContain(code);
  });
});
