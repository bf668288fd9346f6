import { useSyncExternalStore } from 'react';
import type { TokenResponse, User } from '@pedidos/contracts/identity';
import { isRecord, onStoredChange, readStored, writeStored } from './storage';

export interface Session {
  accessToken: string;
  refreshToken: string;
  user: User;
}

const KEY = 'pedidos.session';
const listeners = new Set<() => void>();

function readSession(): Session | null {
  const value = readStored(KEY);
  if (!isRecord(value) || typeof value.accessToken !== 'string' || typeof value.refreshToken !== 'string' || !isRecord(value.user)) return null;
  const user = value.user;
  if (typeof user.id !== 'string' || typeof user.email !== 'string' || typeof user.name !== 'string') return null;
  if (user.role !== 'admin' && user.role !== 'customer') return null;
  return { accessToken: value.accessToken, refreshToken: value.refreshToken, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}

// Read synchronously at load so the first render already knows who is signed in (no "Sign in" flash).
let current: Session | null = readSession();

const emit = () => listeners.forEach((listener) => listener());

onStoredChange(KEY, () => {
  current = readSession();
  emit();
});

export const getSession = (): Session | null => current;

export function setSession(next: Session | null): void {
  current = next;
  writeStored(KEY, next);
  emit();
}

export const sessionFromTokens = (tokens: TokenResponse): Session => ({
  accessToken: tokens.accessToken,
  refreshToken: tokens.refreshToken,
  user: tokens.user,
});

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const useSession = (): Session | null => useSyncExternalStore(subscribeSession, getSession, getSession);

let refreshing: Promise<Session | null> | null = null;

/**
 * Swaps the refresh token for new tokens after `rejectedAccessToken` got a 401. Refresh tokens are
 * single use and presenting a spent one revokes the whole login, so concurrent callers share one
 * request, and across tabs a Web Lock serialises them: whoever comes second finds the new tokens.
 * Resolves null when the session is over (the user must sign in again); throws on network failure.
 */
export function refreshSession(rejectedAccessToken: string): Promise<Session | null> {
  if (current && current.accessToken !== rejectedAccessToken) return Promise.resolve(current);
  refreshing ??= withLock(() => renew(rejectedAccessToken)).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function renew(rejectedAccessToken: string): Promise<Session | null> {
  const stored = readSession();
  if (!stored) {
    if (current) setSession(null);
    return null;
  }
  if (stored.accessToken !== rejectedAccessToken) {
    current = stored;
    emit();
    return stored;
  }
  const response = await fetch('/api/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ refreshToken: stored.refreshToken }),
  });
  if (response.ok) {
    const session = sessionFromTokens((await response.json()) as TokenResponse);
    setSession(session);
    return session;
  }
  if (response.status === 400 || response.status === 401) {
    setSession(null);
    return null;
  }
  throw new Error(`token refresh failed with HTTP ${response.status}`);
}

function withLock<T>(task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  return locks ? locks.request('pedidos.session.refresh', task) : task();
}
