import type { TFunction } from 'i18next';
import { ApiError, NETWORK_ERROR } from './api-client';

/** A sentence for the user: our own words for the codes we know, else the server's detail. */
export function errorMessage(error: unknown, t: TFunction): string {
  if (!(error instanceof ApiError)) return t('errors.unexpected');
  if (error.code === NETWORK_ERROR) return t('errors.network');
  if (hasWords(error.code, t)) return t(codeKey(error.code), { seconds: error.retryAfterS ?? 60 });
  if (error.status === 429) return t('errors.tooManyRequests');
  if (error.status === 401) return t('errors.sessionExpired');
  if (error.status === 403) return t('errors.forbidden');
  if (error.status >= 500) return t('errors.server');
  // Field errors are worded for developers, in English: the user is told to check what they entered.
  if (error.errors.length > 0) return t('errors.invalidInput');
  return error.detail || error.title || t('errors.unexpected');
}

const codeKey = (code: string) => `errors.codes.${code}`;
const hasWords = (code: string, t: TFunction) => t(codeKey(code), { defaultValue: '' }) !== '';

export interface FormErrorOptions<F extends string> {
  /** What the form says when the schema refuses a field, in the user's language; a general sentence otherwise. */
  invalid?: Partial<Record<F, string>>;
  /** Places errors the server reports without a pointer (e.g. a 409) on a field, by code. */
  byCode?: Partial<Record<string, F>>;
}

/**
 * Splits a failure into a message for each of the form's fields that the server named (by JSON
 * Pointer) and what is left for the form-level alert. The server's own field messages are English
 * for developers, so a field shows the code's sentence (a weak password, a taken SKU), else the
 * form's sentence for that field.
 */
export function formErrors<F extends string>(
  error: unknown,
  fields: Record<F, string>,
  t: TFunction,
  { invalid = {}, byCode = {} }: FormErrorOptions<NoInfer<F>> = {},
): { fields: Partial<Record<F, string>>; alert: string | null } {
  if (!error) return { fields: {}, alert: null };
  if (!(error instanceof ApiError)) return { fields: {}, alert: errorMessage(error, t) };
  const placedByCode = byCode[error.code];
  if (placedByCode) return { fields: { [placedByCode]: errorMessage(error, t) } as Partial<Record<F, string>>, alert: null };
  const result: Partial<Record<F, string>> = {};
  let unplaced = false;
  for (const e of error.errors) {
    const field = (Object.keys(fields) as F[]).find((f) => e.path === fields[f] || e.path.startsWith(`${fields[f]}/`));
    if (!field) unplaced = true;
    else result[field] = hasWords(error.code, t) ? errorMessage(error, t) : (invalid[field] ?? t('errors.fieldInvalid'));
  }
  const placed = Object.keys(result).length > 0;
  return { fields: result, alert: placed && !unplaced ? null : errorMessage(error, t) };
}
