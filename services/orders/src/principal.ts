import type { FastifyRequest } from 'fastify';
import type { Principal } from '@pedidos/platform/auth';

export type { Principal };

/** Who is asking: set by the route's `authorize(...)` pre-handler from the bearer token. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error(`route ${request.routeOptions.url} reads the principal but does not authorize`);
  return request.principal;
}
