import { useMutation } from '@tanstack/react-query';
import type { LoginBody, TokenResponse } from '@pedidos/contracts/identity';
import { apiJson } from '../../../lib/api-client';
import { sessionFromTokens, setSession } from '../../../lib/auth-store';

export const login = (body: LoginBody) => apiJson<TokenResponse>('/api/auth/login', { method: 'POST', body, auth: false });

export function useLogin() {
  return useMutation({
    mutationFn: login,
    onSuccess: (tokens) => setSession(sessionFromTokens(tokens)),
  });
}
