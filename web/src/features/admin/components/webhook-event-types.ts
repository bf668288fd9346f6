import { WEBHOOK_EVENT_TYPES } from '@pedidos/contracts/webhooks';

/** The event types as the register form groups them: an order's own facts, then its payment's. */
export const WEBHOOK_EVENT_GROUPS = (['order', 'payment'] as const).map((group) => ({
  group,
  types: WEBHOOK_EVENT_TYPES.filter((type) => type.startsWith(`${group}.`)),
}));
