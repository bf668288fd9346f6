import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ActivityNote, OrderActivity, StaffNoteBody } from '@pedidos/contracts/orders';
import { apiJson } from '../../../lib/api-client';
import { orderKeys } from '../../../lib/query-keys';

export const addStaffNote = (orderId: string, body: StaffNoteBody) =>
  apiJson<ActivityNote>(`/api/orders/${encodeURIComponent(orderId)}/notes`, { method: 'POST', body });

/** The note joins the order's timeline as soon as the server has kept it, without reading the whole activity again. */
export function useAddStaffNote(orderId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: StaffNoteBody) => addStaffNote(orderId, body),
    onSuccess: (note) => {
      const key = orderKeys.activity(orderId);
      // Not read yet (it failed, or is on its way): the next read brings the note.
      if (queryClient.getQueryData<OrderActivity>(key) === undefined) return void queryClient.invalidateQueries({ queryKey: key });
      queryClient.setQueryData<OrderActivity>(key, (old) => (old!.items.some((i) => i.kind === 'note' && i.id === note.id) ? old : { ...old!, items: [...old!.items, note] }));
    },
  });
}
