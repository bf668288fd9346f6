import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { Order } from '@pedidos/contracts/orders';
import { RefundBody, type Payment } from '@pedidos/contracts/payments';
import { Alert } from '../../../components/alert';
import { Button } from '../../../components/button';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { DateTime } from '../../../components/date-time';
import { Field } from '../../../components/field';
import { Money } from '../../../components/money';
import { CardLabel, LedgerDetail } from '../../../components/payment-entry';
import { QueryError } from '../../../components/query-error';
import { Spinner } from '../../../components/spinner';
import { contractResolver, fieldMessages } from '../../../lib/contract-resolver';
import { formErrors } from '../../../lib/error-message';
import { useFormat } from '../../../lib/format';
import { usePayment } from '../../../lib/payment-query';
import { useFocusFirstInvalid } from '../../../lib/use-focus-first-invalid';
import { useRefundPayment } from '../api/refund-payment';
import { parsePrice, priceInputValue } from '../price-input';

const REFUNDABLE = new Set<Payment['status']>(['captured', 'partially_refunded']);

/** The back office's view of an order's payment: its figures, its ledger and refunds. */
export function OrderPayment({ order }: { order: Order }) {
  const { t } = useTranslation();
  const payment = usePayment(order);
  return (
    <section className="card order-payment" aria-labelledby="order-payment-title">
      <h2 id="order-payment-title">{t('admin.payment.title')}</h2>
      {payment.isPending ? (
        <Spinner />
      ) : payment.isError ? (
        <QueryError error={payment.error} onRetry={() => void payment.refetch()} />
      ) : payment.data === null ? (
        <p className="muted">{t('admin.payment.none')}</p>
      ) : (
        <PaymentView payment={payment.data} />
      )}
    </section>
  );
}

function PaymentView({ payment }: { payment: Payment }) {
  const { t } = useTranslation();
  const left = payment.captured - payment.refunded;
  return (
    <>
      <dl className="summary-list payment-figures">
        <div>
          <dt>{t('admin.payment.status')}</dt>
          <dd data-testid="payment-status">{t(`paymentStatus.${payment.status}`)}</dd>
        </div>
        <div>
          <dt>{t('admin.payment.amount')}</dt>
          <dd data-testid="payment-amount"><Money value={payment.amount} currency={payment.currency} /></dd>
        </div>
        <div>
          <dt>{t('admin.payment.captured')}</dt>
          <dd data-testid="payment-captured"><Money value={payment.captured} currency={payment.currency} /></dd>
        </div>
        <div>
          <dt>{t('admin.payment.refunded')}</dt>
          <dd data-testid="payment-refunded"><Money value={payment.refunded} currency={payment.currency} /></dd>
        </div>
        <div>
          <dt>{t('admin.payment.card')}</dt>
          <dd data-testid="payment-card">{payment.brand || payment.last4 ? <CardLabel payment={payment} /> : '—'}</dd>
        </div>
      </dl>
      {/* On a phone the ledger scrolls sideways: a region that takes focus, so a keyboard can scroll it too. */}
      <div className="table-wrap" role="region" aria-label={t('admin.payment.ledger')} tabIndex={0}>
        <table className="table">
          <caption className="visually-hidden">{t('admin.payment.ledger')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.when')}</th>
              <th scope="col">{t('admin.kind')}</th>
              <th scope="col">{t('admin.payment.detail')}</th>
              <th scope="col">{t('admin.payment.reference')}</th>
            </tr>
          </thead>
          <tbody>
            {payment.ledger.map((entry, index) => (
              <tr key={`${entry.kind}-${entry.at}-${index}`}>
                <td><DateTime value={entry.at} precise /></td>
                <td>{t(`payment.ledger.${entry.kind}`)}</td>
                <td><LedgerDetail entry={entry} payment={payment} /></td>
                <td className="muted small">{entry.providerReference ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <RefundForm payment={payment} left={REFUNDABLE.has(payment.status) ? left : 0} />
    </>
  );
}

const FIELDS = { amount: '/amount', reason: '/reason' } as const;
type RefundValues = Record<keyof typeof FIELDS, string>;

/** Refunds are irreversible: the form only prepares one; a second, explicit step sends it. */
function RefundForm({ payment, left }: { payment: Payment; left: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const refund = useRefundPayment(payment.orderId);
  const { formRef, failed } = useFocusFirstInvalid();
  const [pending, setPending] = useState<RefundBody | null>(null);
  const [outcome, setOutcome] = useState<{ amount: number; settled: boolean } | null>(null);
  const money = (minor: number) => format.money(minor, payment.currency);
  const form = useForm<RefundValues, unknown, RefundBody>({
    defaultValues: { amount: priceInputValue(left, format.locale), reason: '' },
    resolver: contractResolver(RefundBody, {
      toBody: ({ amount, reason }) => ({ amount: parsePrice(amount), reason: reason.trim() }),
      message: (field, body) =>
        field === 'amount' ? t('admin.refund.amountInvalid') : body.reason === '' ? t('admin.refund.reasonRequired') : t('admin.refund.reasonTooLong'),
      policy: (body) => (typeof body.amount === 'number' && body.amount > left ? { amount: t('admin.refund.amountTooLarge', { left: money(left) }) } : {}),
    }),
  });
  const server = formErrors(refund.error, FIELDS, t, {
    invalid: { amount: t('admin.refund.amountInvalid'), reason: t('admin.refund.reasonTooLong') },
    byCode: { 'PAYMENT.REFUND_EXCEEDS_CAPTURED': 'amount' },
  });
  const errors = { ...server.fields, ...fieldMessages(form.formState.errors) };
  const { reset } = form;

  // What is left changes after each refund: the default is always all of it.
  useEffect(() => {
    reset({ amount: priceInputValue(left, format.locale), reason: '' });
  }, [left, format.locale, reset]);

  const prepare = form.handleSubmit((body) => {
    refund.reset();
    setOutcome(null);
    setPending(body);
  }, failed);

  function send(body: RefundBody) {
    refund.mutate(body, {
      onSuccess: ({ settled }) => setOutcome({ amount: body.amount, settled }),
      onError: failed,
      onSettled: () => setPending(null),
    });
  }

  return (
    <div className="refund">
      <h3>{t('admin.refund.title')}</h3>
      {outcome && (
        <Alert tone={outcome.settled ? 'success' : 'info'}>
          {outcome.settled ? t('admin.refund.done', { amount: money(outcome.amount) }) : t('admin.refund.accepted', { amount: money(outcome.amount) })}
        </Alert>
      )}
      {server.alert && <Alert>{server.alert}</Alert>}
      {left <= 0 ? (
        <p className="muted">{t('admin.refund.nothingLeft')}</p>
      ) : (
        <form ref={formRef} onSubmit={(event) => void prepare(event)} noValidate aria-label={t('admin.refund.title')}>
          <fieldset className="form-grid">
            <Field label={t('admin.refund.amount')} error={errors.amount} hint={t('admin.refund.amountHint', { left: money(left) })}>
              {(c) => <input {...c} {...form.register('amount')} inputMode="decimal" autoComplete="off" />}
            </Field>
            <Field label={t('admin.reason')} error={errors.reason}>
              {(c) => <input {...c} {...form.register('reason')} maxLength={200} autoComplete="off" />}
            </Field>
          </fieldset>
          <Button type="submit" variant="danger" aria-haspopup="dialog">
            {t('admin.refund.prepare')}
          </Button>
        </form>
      )}
      {pending && (
        <ConfirmDialog
          title={t('admin.refund.confirmQuestion', { amount: money(pending.amount) })}
          confirmLabel={t('admin.refund.confirm')}
          pending={refund.isPending}
          onCancel={() => setPending(null)}
          onConfirm={() => send(pending)}
        >
          <p>{t('admin.refund.irreversible')}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
