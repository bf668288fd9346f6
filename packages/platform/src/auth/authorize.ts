import type { FastifyReply, FastifyRequest } from 'fastify';
import { forbidden, serviceUnavailable, unauthorized } from '../errors';
import { InvalidToken, type Principal, type Role, type TokenVerifier } from './verifier';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by an `authorize(...)` pre-handler; null on public routes. */
    principal: Principal | null;
  }
}

/** For route schemas: documents the bearer token in OpenAPI. */
export const BEARER = [{ bearerAuth: [] }];

const BEARER_HEADER = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)$/;

/**
 * `preHandler: authorize('admin')`: 401 without a valid token (with `WWW-Authenticate`),
 * 403 when the token's role is not among `roles`. Sets `request.principal`.
 */
export function createAuthorizer(verify: TokenVerifier) {
  return function authorize(...roles: Role[]) {
    return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const header = request.headers.authorization;
      const challenge = (error?: string) => reply.header('www-authenticate', error ? `Bearer error="${error}"` : 'Bearer');
      if (!header) {
        challenge();
        throw unauthorized('AUTH.MISSING_TOKEN', 'This route needs a bearer token in the Authorization header.');
      }
      const token = BEARER_HEADER.exec(header)?.[1];
      if (!token) {
        challenge('invalid_request');
        throw unauthorized('AUTH.INVALID_TOKEN', 'The Authorization header must be "Bearer <JWT>".');
      }
      try {
        request.principal = await verify(token);
      } catch (error) {
        if (!(error instanceof InvalidToken)) throw error;
        if (error.unavailable) throw serviceUnavailable('AUTH.KEYS_UNAVAILABLE', 'The token issuer\'s keys cannot be fetched right now; try again.');
        challenge('invalid_token');
        throw unauthorized('AUTH.INVALID_TOKEN', `Bearer token refused: ${error.message}.`);
      }
      if (!roles.includes(request.principal.role)) {
        throw forbidden('AUTH.FORBIDDEN', `Only ${roles.join(' or ')} may do this.`);
      }
    };
  };
}

export type Authorize = ReturnType<typeof createAuthorizer>;

/**
 * Who is asking, as the route's `authorize(...)` pre-handler established it. On a route that
 * does not authorize there is nobody: it is refused like a request without a token rather than
 * served for an unknown caller.
 */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized('AUTH.MISSING_TOKEN', 'This route needs a bearer token in the Authorization header.');
  return request.principal;
}
