import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiJson } from '../../../lib/api-client';
import { getSession, setSession } from '../../../lib/auth-store';

export const logout = (refreshToken: string) =>
  apiJson<void>('/api/auth/logout', { method: 'POST', body: { refreshToken }, auth: false });

/** Signs out locally whatever the server says: a revocation that fails must not keep the user signed in. */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const session = getSession();
      if (session) await logout(session.refreshToken).catch(() => undefined);
    },
    onSettled: () => {
      setSession(null);
      queryClient.removeQueries({ queryKey: ['orders'] });
    },
  });
}
