import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Alert } from '../../../components/alert';
import { Button } from '../../../components/button';
import { Field } from '../../../components/field';
import { formErrors } from '../../../lib/error-message';
import { useFocusFirstInvalid } from '../../../lib/use-focus-first-invalid';
import { useRegister } from '../api/register';

// Mirrors PASSWORD_MIN_LENGTH in @pedidos/contracts/identity (a value import would bundle the schema library).
const PASSWORD_MIN_LENGTH = 10;
const FIELDS = { name: '/name', email: '/email', password: '/password' } as const;
type FieldName = keyof typeof FIELDS;

export function RegisterForm() {
  const { t } = useTranslation();
  const register = useRegister();
  const { formRef, failed } = useFocusFirstInvalid();
  const [values, setValues] = useState<Record<FieldName, string>>({ name: '', email: '', password: '' });
  const [local, setLocal] = useState<Partial<Record<FieldName, string>>>({});
  // A taken email is a 409 without a pointer, but it is the Email field's problem.
  const server = formErrors(register.error, FIELDS, t, { 'USER.EMAIL_TAKEN': 'email' });
  const errors = { ...server.fields, ...local };
  const set = (name: FieldName) => (event: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: event.target.value }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problems: Partial<Record<FieldName, string>> = {};
    if (!values.name.trim()) problems.name = t('auth.nameRequired');
    if (!values.email.trim()) problems.email = t('auth.emailRequired');
    if (!values.password) problems.password = t('auth.passwordRequired');
    setLocal(problems);
    if (Object.keys(problems).length > 0) return failed();
    register.mutate({ name: values.name.trim(), email: values.email.trim(), password: values.password }, {
      onError: failed,
    });
  }

  return (
    <form ref={formRef} className="form auth-form" onSubmit={submit} noValidate aria-labelledby="register-title">
      <h1 id="register-title">{t('auth.registerTitle')}</h1>
      {server.alert && <Alert>{server.alert}</Alert>}
      <Field label={t('auth.name')} error={errors.name}>
        {(control) => <input {...control} name="name" autoComplete="name" required value={values.name} onChange={set('name')} />}
      </Field>
      <Field label={t('auth.email')} error={errors.email}>
        {(control) => <input {...control} type="email" name="email" autoComplete="email" required value={values.email} onChange={set('email')} />}
      </Field>
      <Field label={t('auth.password')} error={errors.password} hint={t('auth.passwordHint', { min: PASSWORD_MIN_LENGTH })}>
        {(control) => (
          <input {...control} type="password" name="password" autoComplete="new-password" required value={values.password} onChange={set('password')} />
        )}
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
