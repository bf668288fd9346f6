import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { STAFF_NOTE_MAX_LENGTH, StaffNoteBody } from '@pedidos/contracts/orders';
import { Alert } from '../../../components/alert';
import { Button } from '../../../components/button';
import { Field } from '../../../components/field';
import { announce } from '../../../lib/announcer';
import { contractResolver, fieldMessages } from '../../../lib/contract-resolver';
import { formErrors } from '../../../lib/error-message';
import { useFocusFirstInvalid } from '../../../lib/use-focus-first-invalid';
import { useAddStaffNote } from '../api/add-staff-note';

const FIELDS = { body: '/body' } as const;

/** The sentence for a note the contract refuses; its length is counted in code points, as the server counts it. */
const noteProblem = (body: string) =>
  body === '' ? 'activity.note.required' : [...body].length > STAFF_NOTE_MAX_LENGTH ? 'activity.note.tooLong' : 'activity.note.invalid';

/** Adds an internal note to the order's activity: staff only, never shown to the customer. */
export function StaffNoteForm({ orderId }: { orderId: string }) {
  const { t } = useTranslation();
  const add = useAddStaffNote(orderId);
  const { formRef, failed } = useFocusFirstInvalid();
  const form = useForm<{ body: string }, unknown, StaffNoteBody>({
    defaultValues: { body: '' },
    resolver: contractResolver(StaffNoteBody, {
      // Lines are kept as typed; only the blank lines and spaces around the whole note go.
      toBody: ({ body }) => ({ body: body.trim() }),
      message: (_field, { body }) => t(noteProblem(body), { max: STAFF_NOTE_MAX_LENGTH }),
    }),
  });
  const server = formErrors(add.error, FIELDS, t, { invalid: { body: t('activity.note.invalid') } });
  const errors = { ...server.fields, ...fieldMessages(form.formState.errors) };

  const submit = form.handleSubmit((body) => {
    add.mutate(body, {
      onSuccess: () => {
        form.reset({ body: '' });
        announce(t('activity.note.added'));
      },
      onError: failed,
    });
  }, failed);

  return (
    <form ref={formRef} className="staff-note-form" onSubmit={(event) => void submit(event)} noValidate aria-label={t('activity.note.form')}>
      {server.alert && <Alert>{server.alert}</Alert>}
      <Field label={t('activity.note.label')} error={errors.body} hint={t('activity.note.hint', { max: STAFF_NOTE_MAX_LENGTH })}>
        {(c) => <textarea {...c} {...form.register('body', { onChange: () => add.reset() })} rows={3} maxLength={STAFF_NOTE_MAX_LENGTH} />}
      </Field>
      <Button type="submit" pending={add.isPending}>
        {t('activity.note.add')}
      </Button>
    </form>
  );
}
