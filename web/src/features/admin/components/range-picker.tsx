import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button } from '../../../components/button';
import { Field } from '../../../components/field';
import { addDays, dayOf } from '../../../lib/local-day';
import { customRangeProblems, RANGE_PRESETS, rangeSearch, type RangeChoice } from '../dashboard-stats';

const search = (choice: RangeChoice) => `?${new URLSearchParams(rangeSearch(choice)).toString()}`;

/** The dashboard's range: presets as links, so the address keeps the choice; a custom range through a form. */
export function RangePicker({ choice, today, onCustom }: { choice: RangeChoice; today: Date; onCustom: (from: string, to: string) => void }) {
  const { t } = useTranslation();
  const todayText = dayOf(today);
  // The custom link opens the form on the last seven days, ready to change.
  const custom: RangeChoice = choice.kind === 'custom' ? choice : { kind: 'custom', from: dayOf(addDays(today, -6)), to: todayText };
  return (
    <div className="range-picker">
      <nav aria-label={t('dashboard.range')}>
        <ul className="range-presets">
          {RANGE_PRESETS.map((preset) => (
            <li key={preset}>
              <Link to={search({ kind: preset })} aria-current={choice.kind === preset ? 'true' : undefined} replace>
                {t(`dashboard.preset.${preset}`)}
              </Link>
            </li>
          ))}
          <li>
            <Link to={search(custom)} aria-current={choice.kind === 'custom' ? 'true' : undefined} replace>
              {t('dashboard.preset.custom')}
            </Link>
          </li>
        </ul>
      </nav>
      {choice.kind === 'custom' && <CustomRangeForm key={`${choice.from}/${choice.to}`} from={choice.from} to={choice.to} today={todayText} onApply={onCustom} />}
    </div>
  );
}

function CustomRangeForm({ from, to, today, onApply }: { from: string; to: string; today: string; onApply: (from: string, to: string) => void }) {
  const { t } = useTranslation();
  const [values, setValues] = useState({ from, to });
  const [problems, setProblems] = useState<ReturnType<typeof customRangeProblems>>({});
  const fromInput = useRef<HTMLInputElement>(null);
  const toInput = useRef<HTMLInputElement>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = customRangeProblems(values.from, values.to, today);
    setProblems(found);
    if (found.from || found.to) {
      (found.from ? fromInput : toInput).current?.focus();
      return;
    }
    onApply(values.from, values.to);
  };
  const message = (problem: string | undefined) => (problem ? t(`dashboard.problem.${problem}`) : undefined);
  return (
    <form className="range-form" onSubmit={submit} noValidate aria-label={t('dashboard.customRange')}>
      <Field label={t('dashboard.from')} error={message(problems.from)} className="field-compact">
        {(control) => (
          <input {...control} ref={fromInput} type="date" value={values.from} max={today} onChange={(e) => setValues({ ...values, from: e.target.value })} />
        )}
      </Field>
      <Field label={t('dashboard.to')} error={message(problems.to)} className="field-compact">
        {(control) => (
          <input {...control} ref={toInput} type="date" value={values.to} onChange={(e) => setValues({ ...values, to: e.target.value })} />
        )}
      </Field>
      <Button type="submit" variant="secondary">{t('dashboard.apply')}</Button>
    </form>
  );
}
