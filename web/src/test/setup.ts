import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { cart } from '../features/cart/cart-store';
import { setSession } from '../lib/auth-store';
import { changeLanguage } from '../lib/i18n';

// jsdom has <dialog> without its methods: open and close it as a browser does, minus the top layer.
HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
  this.open = true;
};
HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
  this.open = false;
  this.dispatchEvent(new Event('close'));
};

afterEach(async () => {
  cleanup();
  setSession(null);
  cart.clear();
  window.localStorage.clear();
  await changeLanguage('en');
  window.localStorage.clear();
});
