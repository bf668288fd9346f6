import { useMutation } from '@tanstack/react-query';
import type { RegisterBody, TokenResponse, User } from '@pedidos/contracts/identity';
import { apiJson } from '../../../lib/api-client';
import { sessionFromTokens, setSession } from '../../../lib/auth-store';

export const register = (body: RegisterBody) => apiJson<User>('/api/auth/register', { method: 'POST', body, auth: false });

/** Registration answers with the user only, so signing in is a second call with the same credentials. */
export function useRegister() {
  return useMutation({
    mutationFn: async (body: RegisterBody) => {
      await register(body);
      return apiJson<TokenResponse>('/api/auth/login', { method: 'POST', body: { email: body.email, password: body.password }, auth: false });
    },
    onSuccess: (tokens) => setSession(sessionFromTokens(tokens)),
  });
}
