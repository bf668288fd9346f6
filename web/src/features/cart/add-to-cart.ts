import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { Product } from '@pedidos/contracts/inventory';
import { announce } from '../../lib/announcer';
import { cart } from './cart-store';

/**
 * Adds a product to the cart and says so; never past what the shop showed as available, and
 * saying that instead when it holds the addition back.
 */
export function useAddToCart(): (product: Product, quantity?: number) => void {
  const { t } = useTranslation();
  return useCallback(
    (product: Product, quantity = 1) => {
      const added = cart.add(product, quantity, product.available);
      announce(added.limited
        ? t('cart.availability.addLimited', { count: product.available, name: product.name, inCart: added.quantity })
        : t('catalog.added', { name: product.name }));
    },
    [t],
  );
}
