import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Alert } from '../../../components/alert';
import { Button } from '../../../components/button';
import { Field } from '../../../components/field';
import { formErrors } from '../../../lib/error-message';
import { useFocusFirstInvalid } from '../../../lib/use-focus-first-invalid';
import { useLogin } from '../api/login';

const FIELDS = { email: '/email', password: '/password' } as const;
type FieldName = keyof typeof FIELDS;

export function LoginForm() {
  const { t } = useTranslation();
  const login = useLogin();
  const { formRef, failed } = useFocusFirstInvalid();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<Partial<Record<FieldName, string>>>({});
  const server = formErrors(login.error, FIELDS, t);
  const errors = { ...server.fields, ...missing };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const required: Partial<Record<FieldName, string>> = {};
    if (!email.trim()) required.email = t('auth.emailRequired');
    if (!password) required.password = t('auth.passwordRequired');
    setMissing(required);
    if (Object.keys(required).length > 0) return failed();
    login.mutate({ email: email.trim(), password }, {
      onError: failed,
    });
  }

  return (
    <form ref={formRef} className="form auth-form" onSubmit={submit} noValidate aria-labelledby="login-title">
      <h1 id="login-title">{t('auth.signInTitle')}</h1>
      {server.alert && <Alert>{server.alert}</Alert>}
      <Field label={t('auth.email')} error={errors.email}>
        {(control) => (
          <input {...control} type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        )}
      </Field>
      <Field label={t('auth.password')} error={errors.password}>
        {(control) => (
          <input {...control} type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        )}
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
