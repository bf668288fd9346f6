import { useTranslation } from 'react-i18next';
import type { OrderStatus } from '@pedidos/contracts/orders';

export function OrderStatusBadge({ status, testId }: { status: OrderStatus; testId?: string }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge-${status}`} data-testid={testId}>
      {t(`status.${status}`)}
    </span>
  );
}
