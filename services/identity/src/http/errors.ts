import { errorTable } from '@pedidos/platform/http';

/** Every code the identity service refuses with, and how HTTP answers it. */
export const identityErrors = errorTable({
  'USER.WEAK_PASSWORD': { status: 400 },
  'USER.EMAIL_TAKEN': { status: 409 },
  'AUTH.INVALID_CREDENTIALS': { status: 401 },
  'AUTH.INVALID_REFRESH_TOKEN': { status: 401 },
  // A token that verified but names an account that is gone: the challenge RFC 6750 gives a bad token.
  'AUTH.INVALID_TOKEN': { status: 401, headers: () => ({ 'www-authenticate': 'Bearer error="invalid_token"' }) },
  'AUTH.ACCOUNT_LOCKED': { status: 429, headers: ({ retryAfterS }) => ({ 'retry-after': String(retryAfterS) }) },
});
