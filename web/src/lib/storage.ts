/** localStorage that never throws: private modes and full quotas degrade to "nothing stored". */
export function readStored(key: string): unknown {
  try {
    const raw = window.localStorage.getItem(key);
    return raw === null ? null : (JSON.parse(raw) as unknown);
  } catch {
    return null;
  }
}

export function writeStored(key: string, value: unknown): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // The app keeps working in memory.
  }
}

/** Calls back when another tab changes `key` (or clears storage). */
export function onStoredChange(key: string, callback: () => void): void {
  window.addEventListener('storage', (event) => {
    if (event.key === key || event.key === null) callback();
  });
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
