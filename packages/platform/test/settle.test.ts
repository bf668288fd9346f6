import { describe, expect, it } from 'vitest';
import type { BusSignal, RetryPolicy, SubscriptionSpec } from '../src/messaging/bus';
import { cloudEvent } from '../src/messaging/cloud-event';
import { createDeliverySettler, settle, type SettleActions, type SettlementHeaders } from '../src/messaging/settle';

const policy: RetryPolicy = { delaysMs: [50, 100, 400] };
const ignore = async () => {};

function subscription(overrides: Partial<SubscriptionSpec> = {}): SubscriptionSpec {
  return { queue: 'novos_pedidos', bindings: [], handler: ignore, ...overrides };
}

/** A `dependsOn` that answers `up` and counts how often it was asked. */
function dependency(up: boolean) {
  const asked = { count: 0 };
  const dependsOn = async () => {
    asked.count += 1;
    if (!up) throw new Error('database down');
  };
  return { dependsOn, asked };
}

describe('settling a failed delivery', () => {
  it('retries a handler failure after the back-off of its attempt, recording the attempt as spent', async () => {
    const spec = subscription();

    const decisions = await Promise.all([1, 2, 3].map((attempt) => settle(spec, policy, attempt, 'handler')));

    expect(decisions).toEqual([
      { action: 'retry', delayMs: 50, attempts: 1, waiting: false },
      { action: 'retry', delayMs: 100, attempts: 2, waiting: false },
      { action: 'retry', delayMs: 400, attempts: 3, waiting: false },
    ]);
  });

  it('dead-letters a handler failure once every back-off is spent', async () => {
    expect(await settle(subscription(), policy, 4, 'handler')).toEqual({ action: 'dead-letter' });
    expect(await settle(subscription(), { delaysMs: [] }, 1, 'handler')).toEqual({ action: 'dead-letter' });
  });

  it('while the dependency is down, waits out the longest back-off without spending an attempt, even past the last one', async () => {
    const { dependsOn, asked } = dependency(false);
    const spec = subscription({ dependsOn });

    expect(await settle(spec, policy, 1, 'handler')).toEqual({ action: 'retry', delayMs: 400, attempts: 0, waiting: true });
    expect(await settle(spec, policy, 4, 'handler')).toEqual({ action: 'retry', delayMs: 400, attempts: 3, waiting: true });
    expect(asked.count).toBe(2);
  });

  it('counts attempts as usual when the dependency is up: the message itself is at fault', async () => {
    const { dependsOn, asked } = dependency(true);
    const spec = subscription({ dependsOn });

    expect(await settle(spec, policy, 2, 'handler')).toEqual({ action: 'retry', delayMs: 100, attempts: 2, waiting: false });
    expect(await settle(spec, policy, 4, 'handler')).toEqual({ action: 'dead-letter' });
    expect(asked.count).toBe(2);
  });

  it('dead-letters when the dependency is down but the policy has no back-off to wait with', async () => {
    const { dependsOn } = dependency(false);

    expect(await settle(subscription({ dependsOn }), { delaysMs: [] }, 1, 'handler')).toEqual({ action: 'dead-letter' });
  });

  it('dead-letters a body that is no CloudEvent at once, without asking the dependency', async () => {
    const { dependsOn, asked } = dependency(false);

    expect(await settle(subscription({ dependsOn }), policy, 1, 'unreadable')).toEqual({ action: 'dead-letter' });
    expect(asked.count).toBe(0);
  });

  it('drops any failure on an exclusive queue, which has neither retries nor a DLQ', async () => {
    const { dependsOn, asked } = dependency(false);
    const spec = subscription({ exclusive: true, dependsOn });

    expect(await settle(spec, policy, 1, 'handler')).toEqual({ action: 'drop' });
    expect(await settle(spec, policy, 1, 'unreadable')).toEqual({ action: 'drop' });
    expect(asked.count).toBe(0);
  });
});

describe('a delivery carried out by a transport', () => {
  const event = cloudEvent({ source: 'test', type: 'order.created', data: {} });

  /** Transport actions that record their order; `ackWorks` false models a channel that died meanwhile. */
  function recordingActions(opts: { ackWorks?: boolean; forwardFails?: boolean } = {}) {
    const steps: Array<[string, ...unknown[]]> = [];
    const forward = async (step: string, ...args: unknown[]) => {
      if (opts.forwardFails) throw new Error('publish not confirmed');
      steps.push([step, ...args]);
    };
    const actions: SettleActions = {
      retry: (delayMs: number, headers: SettlementHeaders) => forward('retry', delayMs, headers),
      deadLetter: (headers: SettlementHeaders) => forward('dead-letter', headers),
      ack: () => {
        steps.push(['ack']);
        return opts.ackWorks ?? true;
      },
    };
    return { actions, steps };
  }

  function settler() {
    const signals: BusSignal[] = [];
    return { signals, settleDelivery: createDeliverySettler({ policy, emit: (s) => signals.push(s) }) };
  }

  const failing = subscription({
    handler: async () => {
      throw new Error('stock row locked');
    },
  });

  it('re-publishes a failed message with its attempt count and error before acking it', async () => {
    const { signals, settleDelivery } = settler();
    const { actions, steps } = recordingActions();

    await settleDelivery(failing, { queue: 'novos_pedidos', body: JSON.stringify(event), headers: { 'x-attempts': 1 } }, actions);

    expect(steps).toEqual([['retry', 100, { 'x-attempts': 2, 'x-last-error': 'stock row locked' }], ['ack']]);
    expect(signals).toEqual([{ kind: 'retry', queue: 'novos_pedidos', event, attempt: 2, error: 'stock row locked' }]);
  });

  it('dead-letters with the original queue and the time, then acks', async () => {
    const { signals, settleDelivery } = settler();
    const { actions, steps } = recordingActions();

    await settleDelivery(failing, { queue: 'novos_pedidos', body: JSON.stringify(event), headers: { 'x-attempts': 3 } }, actions);

    expect(steps).toEqual([
      ['dead-letter', { 'x-attempts': 4, 'x-last-error': 'stock row locked', 'x-original-queue': 'novos_pedidos', 'x-dead-lettered-at': expect.any(String) }],
      ['ack'],
    ]);
    expect(signals).toMatchObject([{ kind: 'dead', attempt: 4, event: { id: event.id } }]);
  });

  it('neither acks nor signals when the re-publish fails, leaving the transport to requeue the message', async () => {
    const { signals, settleDelivery } = settler();
    const { actions, steps } = recordingActions({ forwardFails: true });

    await expect(settleDelivery(failing, { queue: 'novos_pedidos', body: JSON.stringify(event), headers: undefined }, actions)).rejects.toThrow(
      'publish not confirmed',
    );
    expect(steps).toEqual([]);
    expect(signals).toEqual([]);
  });

  it('signals nothing when the ack does not go through, since the broker will deliver the message again', async () => {
    const { signals, settleDelivery } = settler();
    const { actions, steps } = recordingActions({ ackWorks: false });

    await settleDelivery(subscription(), { queue: 'novos_pedidos', body: JSON.stringify(event), headers: undefined }, actions);

    expect(steps).toEqual([['ack']]);
    expect(signals).toEqual([]);
  });
});
