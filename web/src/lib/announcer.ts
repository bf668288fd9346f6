import { useSyncExternalStore } from 'react';

/** A short confirmation ("Added to the cart"), shown as a toast for a few seconds and voiced politely. */
export interface Announcement {
  /** New for each call: a repeated message becomes a new element, which screen readers read again. */
  id: number;
  text: string;
}

const SHOWN_MS = 5000;

let current: Announcement | null = null;
let count = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();

function show(next: Announcement | null) {
  current = next;
  listeners.forEach((l) => l());
}

export function announce(text: string): void {
  clearTimeout(timer);
  show({ id: ++count, text });
  timer = setTimeout(() => show(null), SHOWN_MS);
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export const useAnnouncement = () => useSyncExternalStore(subscribe, () => current, () => current);
