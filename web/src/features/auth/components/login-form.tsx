import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { LoginBody } from '@pedidos/contracts/identity';
import { Alert } from '../../../components/alert';
import { Button } from '../../../components/button';
import { Field } from '../../../components/field';
import { contractResolver, fieldMessages } from '../../../lib/contract-resolver';
import { formErrors } from '../../../lib/error-message';
import { useFocusFirstInvalid } from '../../../lib/use-focus-first-invalid';
import { useLogin } from '../api/login';

const FIELDS = { email: '/email', password: '/password' } as const;
type LoginValues = { email: string; password: string };

export function LoginForm() {
  const { t } = useTranslation();
  const login = useLogin();
  const { formRef, failed } = useFocusFirstInvalid();
  const form = useForm<LoginValues, unknown, LoginBody>({
    defaultValues: { email: '', password: '' },
    resolver: contractResolver(LoginBody, {
      toBody: ({ email, password }) => ({ email: email.trim(), password }),
      message: (field, body) => (body[field] !== '' ? t('errors.fieldInvalid') : field === 'email' ? t('auth.emailRequired') : t('auth.passwordRequired')),
    }),
  });
  const server = formErrors(login.error, FIELDS, t);
  const errors = { ...server.fields, ...fieldMessages(form.formState.errors) };

  return (
    <form
      ref={formRef}
      className="form auth-form"
      onSubmit={form.handleSubmit((body) => login.mutate(body, { onError: failed }))}
      noValidate
      aria-labelledby="login-title"
    >
      <h1 id="login-title">{t('auth.signInTitle')}</h1>
      {server.alert && <Alert>{server.alert}</Alert>}
      <Field label={t('auth.email')} error={errors.email}>
        {(control) => <input {...control} {...form.register('email')} type="email" autoComplete="username" required />}
      </Field>
      <Field label={t('auth.password')} error={errors.password}>
        {(control) => <input {...control} {...form.register('password')} type="password" autoComplete="current-password" required />}
      </Field>
      <Button type="submit" pending={login.isPending}>
        {t('auth.signIn')}
      </Button>
      <p className="form-footer">
        {t('auth.noAccount')} <Link to="/register">{t('auth.createAnAccount')}</Link>
      </p>
    </form>
  );
}
