import { useSyncExternalStore } from 'react';

// One polite live region in the layout voices short confirmations ("Added to cart").
let message = '';
const listeners = new Set<() => void>();

export function announce(text: string): void {
  // Clearing first makes a repeated message be read again.
  message = '';
  listeners.forEach((l) => l());
  queueMicrotask(() => {
    message = text;
    listeners.forEach((l) => l());
  });
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export const useAnnouncement = () => useSyncExternalStore(subscribe, () => message, () => message);
