import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { cart } from '../features/cart/cart-store';
import { setSession } from '../lib/auth-store';
import { changeLanguage } from '../lib/i18n';

afterEach(async () => {
  cleanup();
  setSession(null);
  cart.clear();
  window.localStorage.clear();
  await changeLanguage('en');
  window.localStorage.clear();
});
