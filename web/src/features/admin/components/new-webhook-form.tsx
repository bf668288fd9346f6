import { useEffect, useRef, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { CreateWebhookBody, WEBHOOK_EVENT_TYPES, type CreatedWebhookEndpoint } from '@pedidos/contracts/webhooks';
import { Alert } from '../../../components/alert';
import { Button } from '../../../components/button';
import { Field } from '../../../components/field';
import { contractResolver, fieldMessages } from '../../../lib/contract-resolver';
import { formErrors } from '../../../lib/error-message';
import { useFocusFirstInvalid } from '../../../lib/use-focus-first-invalid';
import { useCreateWebhook } from '../api/create-webhook';
import { WEBHOOK_EVENT_GROUPS } from './webhook-event-types';

const FIELDS = { url: '/url', description: '/description', events: '/events' } as const;
interface WebhookValues {
  url: string;
  description: string;
  events: string[];
}
const EMPTY: WebhookValues = { url: '', description: '', events: [] };
const DESCRIPTION_MAX_LENGTH = 200;
const URL_MAX_LENGTH = 2000;
const EVENTS_ERROR_ID = 'new-webhook-events-error';

/** What the server refuses in a URL before looking up its host: anything but http(s), and credentials. */
function urlProblem(text: string): 'invalid' | 'credentials' | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'invalid';
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return 'invalid';
  if (url.username !== '' || url.password !== '') return 'credentials';
  return undefined;
}

export function NewWebhookForm() {
  const { t } = useTranslation();
  const create = useCreateWebhook();
  const { formRef, failed } = useFocusFirstInvalid();
  const [created, setCreated] = useState<CreatedWebhookEndpoint | null>(null);
  const invalid = {
    url: t('webhooks.form.urlInvalid'),
    description: t('webhooks.form.descriptionTooLong', { max: DESCRIPTION_MAX_LENGTH }),
    events: t('webhooks.form.eventsRequired'),
  };
  const form = useForm<WebhookValues, unknown, CreateWebhookBody>({
    defaultValues: EMPTY,
    resolver: contractResolver(CreateWebhookBody, {
      toBody: ({ url, description, events }) => ({
        url: url.trim(),
        // An unchecked group leaves `false` behind in some browsers' form state: only the chosen types are sent.
        events: (Array.isArray(events) ? events : []).filter(Boolean) as CreateWebhookBody['events'],
        ...(description.trim() === '' ? {} : { description: description.trim() }),
      }),
      message: (field, body) => (field === 'url' && body.url === '' ? t('webhooks.form.urlRequired') : invalid[field]),
      policy: (body) => {
        const problem = body.url === '' ? undefined : urlProblem(body.url);
        return problem ? { url: problem === 'credentials' ? t('webhooks.form.urlCredentials') : invalid.url } : {};
      },
    }),
  });
  const server = formErrors(create.error, FIELDS, t, { invalid });
  const errors = { ...server.fields, ...fieldMessages(form.formState.errors) };
  const chosen = form.watch('events') ?? [];
  const allChosen = chosen.length === WEBHOOK_EVENT_TYPES.length;
  // The boxes are marked one by one, so that a failed submit moves focus to the first of them.
  const eventsInvalid = { 'aria-invalid': errors.events ? true : undefined };
  const describedBy = (...ids: string[]) => [...ids, errors.events ? EVENTS_ERROR_ID : ''].filter(Boolean).join(' ') || undefined;

  const submit = form.handleSubmit((body) => {
    create.mutate(body, {
      onSuccess: (endpoint) => {
        form.reset(EMPTY);
        setCreated(endpoint);
      },
      onError: failed,
    });
  }, failed);

  return (
    <>
      {created && (
        <SecretOnce
          // A new secret is a new box: nothing said about the last one (copied, say) carries over.
          key={created.id}
          endpoint={created}
          onDone={() => {
            setCreated(null);
            // The answer holding the secret is dropped from memory too.
            create.reset();
            // The button is gone with the box: focus goes on to the form, not to the page's top.
            form.setFocus('url');
          }}
        />
      )}
      <form
        ref={formRef}
        className="card form webhook-form"
        // The secret shown stays until the next endpoint is registered: a refused try must not take it away.
        onSubmit={(event) => void submit(event)}
        noValidate
        aria-labelledby="new-webhook-title"
      >
        <h2 id="new-webhook-title">{t('webhooks.form.title')}</h2>
        {server.alert && <Alert>{server.alert}</Alert>}
        <Field label={t('webhooks.form.url')} error={errors.url} hint={t('webhooks.form.urlHint')}>
          {(c) => (
            <input {...c} {...form.register('url')} type="url" inputMode="url" autoComplete="off" spellCheck={false} maxLength={URL_MAX_LENGTH} placeholder="https://" />
          )}
        </Field>
        <Field label={t('webhooks.form.description')} error={errors.description}>
          {(c) => <input {...c} {...form.register('description')} autoComplete="off" maxLength={DESCRIPTION_MAX_LENGTH} />}
        </Field>
        <fieldset className="webhook-events">
          <legend>{t('webhooks.form.events')}</legend>
          <label className="check">
            <input
              type="checkbox"
              checked={allChosen}
              {...eventsInvalid}
              aria-describedby={describedBy()}
              ref={(input) => {
                if (input) input.indeterminate = chosen.length > 0 && !allChosen;
              }}
              onChange={() => form.setValue('events', allChosen ? [] : [...WEBHOOK_EVENT_TYPES], { shouldValidate: form.formState.isSubmitted })}
            />
            <span>{t('webhooks.form.allEvents')}</span>
          </label>
          {WEBHOOK_EVENT_GROUPS.map(({ group, types }) => (
            <fieldset key={group} className="webhook-event-group">
              <legend>{t(`webhooks.group.${group}`)}</legend>
              {types.map((type) => (
                <label key={type} className="check">
                  <input type="checkbox" value={type} {...form.register('events')} {...eventsInvalid} aria-describedby={describedBy(`event-${type}-about`)} />
                  <span>
                    <code>{type}</code> <span id={`event-${type}-about`} className="muted small">{t(`webhooks.event.${type}`)}</span>
                  </span>
                </label>
              ))}
            </fieldset>
          ))}
          {errors.events && (
            <p id={EVENTS_ERROR_ID} className="field-error">
              {errors.events}
            </p>
          )}
        </fieldset>
        <Button type="submit" pending={create.isPending}>
          {t('webhooks.form.submit')}
        </Button>
      </form>
    </>
  );
}

/** The signing secret, in the one answer that carries it: after this box is gone nobody can read it again. */
function SecretOnce({ endpoint, onDone }: { endpoint: CreatedWebhookEndpoint; onDone: () => void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const inputId = `secret-${endpoint.id}`;
  // The box appears above the form just submitted: focus goes to it, so everyone learns it is there.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(endpoint.secret);
      setCopied('yes');
    } catch {
      // No clipboard (an insecure page, a refused permission): the text is selected for copying by hand.
      document.getElementById(inputId)?.focus();
      (document.getElementById(inputId) as HTMLInputElement | null)?.select();
      setCopied('no');
    }
  }

  return (
    <section className="card secret-once" aria-labelledby="secret-once-title">
      <h2 id="secret-once-title" ref={heading} tabIndex={-1}>
        {t('webhooks.secret.title')}
      </h2>
      <p>{t('webhooks.secret.registered', { url: endpoint.url })}</p>
      <p className="strong">{t('webhooks.secret.once')}</p>
      <div className="secret-row">
        <label htmlFor={inputId} className="visually-hidden">
          {t('webhooks.secret.label')}
        </label>
        <input id={inputId} className="secret-value" readOnly value={endpoint.secret} spellCheck={false} onFocus={(event) => event.target.select()} />
        <Button variant="secondary" onClick={() => void copy()}>
          {t('webhooks.secret.copy')}
        </Button>
      </div>
      <p role="status" className="small">
        {copied === 'yes' ? t('webhooks.secret.copied') : copied === 'no' ? t('webhooks.secret.copyByHand') : ''}
      </p>
      <div className="row-actions">
        <Link to={`/admin/webhooks/${endpoint.id}`}>{t('webhooks.secret.deliveries')}</Link>
        <Button variant="ghost" size="sm" onClick={onDone}>
          {t('webhooks.secret.done')}
        </Button>
      </div>
    </section>
  );
}
