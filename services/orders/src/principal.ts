import type { FastifyRequest } from 'fastify';

export interface Principal {
  customerId: string;
  role: 'customer' | 'admin';
}

/** The demo shopper every request acts as until tokens are verified. */
export const DEMO_PRINCIPAL: Principal = { customerId: '00000000-0000-4000-8000-000000000001', role: 'admin' };

/** Who is asking. The one seam authentication replaces: everything else takes a Principal. */
export function principalOf(_request: FastifyRequest): Principal {
  return DEMO_PRINCIPAL;
}
