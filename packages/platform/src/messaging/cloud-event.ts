import { randomUUID } from 'node:crypto';

/** CloudEvents 1.0, structured JSON mode: the whole envelope travels as the message body. */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype: 'application/json';
  subject?: string;
  /** W3C trace context of the request or message that caused this event. */
  traceparent?: string;
  data: T;
}

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';

export function cloudEvent<T>(init: {
  source: string;
  type: string;
  data: T;
  subject?: string;
  traceparent?: string;
  id?: string;
  time?: Date;
}): CloudEvent<T> {
  return {
    specversion: '1.0',
    id: init.id ?? randomUUID(),
    source: init.source,
    type: init.type,
    time: (init.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    ...(init.subject === undefined ? {} : { subject: init.subject }),
    ...(init.traceparent === undefined ? {} : { traceparent: init.traceparent }),
    data: init.data,
  };
}

/** Parses a message body; throws on anything that is not a CloudEvents 1.0 envelope. */
export function parseCloudEvent(body: Buffer | string): CloudEvent {
  const value: unknown = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  if (typeof value !== 'object' || value === null) throw new Error('message is not a JSON object');
  const e = value as Record<string, unknown>;
  for (const field of ['id', 'source', 'type', 'time'] as const) {
    if (typeof e[field] !== 'string' || e[field] === '') throw new Error(`message lacks CloudEvents field "${field}"`);
  }
  if (e.specversion !== '1.0') throw new Error('message is not CloudEvents 1.0');
  if (!('data' in e)) throw new Error('message lacks CloudEvents field "data"');
  return value as CloudEvent;
}
