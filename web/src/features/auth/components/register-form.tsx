import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { RegisterBody } from '@pedidos/contracts/identity';
import { PASSWORD_MIN_LENGTH } from '@pedidos/contracts/limits';
import { Alert } from '../../../components/alert';
import { Button } from '../../../components/button';
import { Field } from '../../../components/field';
import { contractResolver, fieldMessages } from '../../../lib/contract-resolver';
import { formErrors } from '../../../lib/error-message';
import { useFocusFirstInvalid } from '../../../lib/use-focus-first-invalid';
import { useRegister } from '../api/register';

const FIELDS = { name: '/name', email: '/email', password: '/password' } as const;
type RegisterValues = { name: string; email: string; password: string };

// The schema's own limit, so the sentence and the check cannot drift apart.
const NAME_MAX_LENGTH = (RegisterBody.properties.name as { maxLength?: number }).maxLength;

export function RegisterForm() {
  const { t } = useTranslation();
  const nameInvalid = t('auth.nameInvalid', { max: NAME_MAX_LENGTH });
  const register = useRegister();
  const { formRef, failed } = useFocusFirstInvalid();
  const form = useForm<RegisterValues, unknown, RegisterBody>({
    defaultValues: { name: '', email: '', password: '' },
    resolver: contractResolver(RegisterBody, {
      toBody: ({ name, email, password }) => ({ name: name.trim(), email: email.trim(), password }),
      message: (field, body) =>
        field === 'name' ? (body.name === '' ? t('auth.nameRequired') : nameInvalid)
        : field === 'email' ? (body.email === '' ? t('auth.emailRequired') : t('auth.emailInvalid'))
        : t('errors.fieldInvalid'),
      // The length is the password policy's (the identity service's), not the schema's; counted in code points like there.
      policy: ({ password }) =>
        password === '' ? { password: t('auth.passwordRequired') }
        : [...password].length < PASSWORD_MIN_LENGTH ? { password: t('auth.passwordTooShort', { min: PASSWORD_MIN_LENGTH }) }
        : {},
    }),
  });
  // A taken email is a 409 without a pointer, but it is the Email field's problem.
  const server = formErrors(register.error, FIELDS, t, {
    invalid: { name: nameInvalid, email: t('auth.emailInvalid') },
    byCode: { 'USER.EMAIL_TAKEN': 'email' },
  });
  const errors = { ...server.fields, ...fieldMessages(form.formState.errors) };

  return (
    <form
      ref={formRef}
      className="form auth-form"
      onSubmit={form.handleSubmit((body) => register.mutate(body, { onError: failed }))}
      noValidate
      aria-labelledby="register-title"
    >
      <h1 id="register-title">{t('auth.registerTitle')}</h1>
      {server.alert && <Alert>{server.alert}</Alert>}
      <Field label={t('auth.name')} error={errors.name}>
        {(control) => <input {...control} {...form.register('name')} autoComplete="name" required />}
      </Field>
      <Field label={t('auth.email')} error={errors.email}>
        {(control) => <input {...control} {...form.register('email')} type="email" autoComplete="email" required />}
      </Field>
      <Field label={t('auth.password')} error={errors.password} hint={t('auth.passwordHint', { min: PASSWORD_MIN_LENGTH })}>
        {(control) => <input {...control} {...form.register('password')} type="password" autoComplete="new-password" required />}
      </Field>
      <Button type="submit" pending={register.isPending}>
        {t('auth.createAccount')}
      </Button>
      <p className="form-footer">
        {t('auth.haveAccount')} <Link to="/login">{t('auth.useExistingAccount')}</Link>
      </p>
    </form>
  );
}
