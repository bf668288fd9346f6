import { Type, type Static } from 'typebox';
import { PageQuery, SingleLineText, Timestamp, Uuid, page } from './common';

/** The events an endpoint may subscribe to: the orders' own facts and the payments' facts about them. */
export const WEBHOOK_EVENT_TYPES = [
  'order.created',
  'order.status-changed',
  'order.cancelled',
  'order.shipped',
  'payment.authorized',
  'payment.declined',
  'payment.captured',
  'payment.voided',
  'payment.refunded',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WebhookEventTypeSchema = Type.Enum(WEBHOOK_EVENT_TYPES);

export const CreateWebhookBody = Type.Object({
  url: Type.String({ minLength: 1, maxLength: 2000, format: 'single-line-text', description: 'http(s) URL that receives each event as a POST' }),
  events: Type.Array(WebhookEventTypeSchema, { minItems: 1, maxItems: WEBHOOK_EVENT_TYPES.length, uniqueItems: true }),
  description: Type.Optional(SingleLineText({ maxLength: 200 })),
}, { additionalProperties: false });
export type CreateWebhookBody = Static<typeof CreateWebhookBody>;

const endpointFields = {
  id: Uuid,
  url: Type.String(),
  events: Type.Array(WebhookEventTypeSchema),
  description: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
};
export const WebhookEndpoint = Type.Object(endpointFields);
export type WebhookEndpoint = Static<typeof WebhookEndpoint>;

export const CreatedWebhookEndpoint = Type.Object({
  ...endpointFields,
  secret: Type.String({ description: '`whsec_` + base64 of the HMAC key; shown in this answer only' }),
});
export type CreatedWebhookEndpoint = Static<typeof CreatedWebhookEndpoint>;

export const WebhookEndpointList = Type.Object({ items: Type.Array(WebhookEndpoint) });

export const WebhookIdParams = Type.Object({ id: Uuid });
export const WebhookDeliveryParams = Type.Object({ id: Uuid, deliveryId: Uuid });

export const WebhookDeliveryStatus = Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]);

export const WebhookAttempt = Type.Object({
  at: Timestamp,
  statusCode: Type.Union([Type.Integer(), Type.Null()], { description: 'null when no answer came (timeout, connection refused)' }),
  durationMs: Type.Integer({ minimum: 0 }),
  error: Type.Union([Type.String(), Type.Null()]),
});

export const WebhookDelivery = Type.Object({
  id: Uuid,
  eventId: Type.String({ description: 'the CloudEvent id, sent as `webhook-id`' }),
  eventType: Type.String(),
  status: WebhookDeliveryStatus,
  attempts: Type.Integer({ minimum: 0 }),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastDurationMs: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  nextAttemptAt: Type.Union([Timestamp, Type.Null()], { description: 'when it is tried next; null once delivered or failed' }),
  createdAt: Timestamp,
  attemptLog: Type.Array(WebhookAttempt, { description: 'every attempt, oldest first' }),
});
export type WebhookDelivery = Static<typeof WebhookDelivery>;

export const WebhookDeliveriesQuery = Type.Object({ ...PageQuery });
export const WebhookDeliveryPage = page(WebhookDelivery);
export type WebhookDeliveryPage = Static<typeof WebhookDeliveryPage>;

export const ReplayAccepted = Type.Object({ id: Uuid, status: Type.Literal('pending') });
