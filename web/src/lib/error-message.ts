import type { TFunction } from 'i18next';
import { ApiError, NETWORK_ERROR } from './api-client';

/** A sentence for the user: our own words for the codes we know, else the server's detail. */
export function errorMessage(error: unknown, t: TFunction): string {
  if (!(error instanceof ApiError)) return t('errors.unexpected');
  const key = `errors.codes.${error.code}`;
  if (error.code === NETWORK_ERROR) return t('errors.network');
  if (t(key, { defaultValue: '' })) return t(key, { seconds: error.retryAfterS ?? 60 });
  if (error.status === 429) return t('errors.tooManyRequests');
  if (error.status === 401) return t('errors.sessionExpired');
  if (error.status === 403) return t('errors.forbidden');
  if (error.status >= 500) return t('errors.server');
  return error.detail || error.title || t('errors.unexpected');
}

/**
 * Splits a failure into messages for the form's own fields (by JSON Pointer) and what is left for
 * the form-level alert. `extra` places errors the server reports without a pointer (e.g. a 409).
 */
export function formErrors<F extends string>(
  error: unknown,
  fields: Record<F, string>,
  t: TFunction,
  extra: Partial<Record<string, F>> = {},
): { fields: Partial<Record<F, string>>; alert: string | null } {
  if (!error) return { fields: {}, alert: null };
  const result: Partial<Record<F, string>> = {};
  if (error instanceof ApiError) {
    const byCode = extra[error.code];
    if (byCode) return { fields: { [byCode]: errorMessage(error, t) } as Partial<Record<F, string>>, alert: null };
    let unplaced = false;
    for (const e of error.errors) {
      const field = (Object.keys(fields) as F[]).find((f) => e.path === fields[f] || e.path.startsWith(`${fields[f]}/`));
      if (field) result[field] ??= e.message;
      else unplaced = true;
    }
    const placed = Object.keys(result).length > 0;
    return { fields: result, alert: placed && !unplaced ? null : errorMessage(error, t) };
  }
  return { fields: result, alert: errorMessage(error, t) };
}
