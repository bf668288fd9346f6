import { useTranslation } from 'react-i18next';
import type { LedgerEntry, Payment, PaymentSummary } from '@pedidos/contracts/payments';
import { Money } from './money';

/** "Visa •••• 4242"; nothing when the provider has not told the card yet. */
export function CardLabel({ payment }: { payment: Pick<PaymentSummary, 'brand' | 'last4'> }) {
  const { t } = useTranslation();
  if (!payment.brand && !payment.last4) return null;
  const brand = payment.brand ? t(`payment.brand.${payment.brand}`, { defaultValue: payment.brand }) : t('payment.card');
  return <span className="card-label">{payment.last4 ? t('payment.cardEnding', { brand, last4: payment.last4 }) : brand}</span>;
}

/** A decline's or failure's code in words: the provider's codes are for machines. */
export function useDeclineText() {
  const { t } = useTranslation();
  return (reason: string | null, kind: 'decline' | 'failure' = 'decline') =>
    t(`payment.decline.${reason ?? kind}`, { defaultValue: t(`payment.decline.${kind}`) });
}

/** What one ledger row means, beyond its kind: the money, the card, the reason. */
export function LedgerDetail({ entry, payment }: { entry: LedgerEntry; payment: Payment }) {
  const declineText = useDeclineText();
  switch (entry.kind) {
    case 'authorization':
      return (
        <>
          <Money value={entry.amount} currency={payment.currency} />
          {(payment.brand || payment.last4) && <> · <CardLabel payment={payment} /></>}
        </>
      );
    case 'decline':
    case 'failure':
      return <>{declineText(entry.reason, entry.kind)}</>;
    case 'refund':
      return (
        <>
          <Money value={entry.amount} currency={payment.currency} />
          {entry.reason && <> · {entry.reason}</>}
        </>
      );
    default:
      return <Money value={entry.amount} currency={payment.currency} />;
  }
}
