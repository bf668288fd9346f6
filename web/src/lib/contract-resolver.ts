import { toNestErrors } from '@hookform/resolvers';
import { typeboxResolver } from '@hookform/resolvers/typebox';
import type { FieldErrors, FieldValues, Resolver } from 'react-hook-form';
import type { Static, TObject } from 'typebox';

type FieldName<Values> = keyof Values & string;

export interface ContractResolverOptions<Values extends FieldValues, Body extends Record<string, unknown>> {
  /**
   * The request body the form would send. Inputs hold text, so this trims and parses; what cannot be
   * parsed stays as it is (or null), for the schema to refuse. Its properties are the form's fields.
   */
  toBody: (values: Values) => Body;
  /** The sentence a person reads, in their language, for a field the schema refused (TypeBox's own messages are English). */
  message: (field: FieldName<Values>, body: Body) => string;
  /** Rules the API checks beyond its schema (the password policy): a message per field that breaks one. */
  policy?: (body: Body) => Partial<Record<FieldName<Values>, string>>;
}

/**
 * A react-hook-form resolver that validates with the contract's TypeBox schema, the one the API
 * validates the request with, so the browser refuses what the server would, with the same rule. The
 * submit handler receives the checked body. The text formats (`single-line-text`, `multi-line-text`)
 * are registered only in the API's validator, so they pass here and the server's answer names the field.
 */
export function contractResolver<Values extends FieldValues, Schema extends TObject, Body extends Record<string, unknown>>(
  schema: Schema,
  { toBody, message, policy }: ContractResolverOptions<Values, Body>,
): Resolver<Values, unknown, Static<Schema>> {
  const check = typeboxResolver(schema);
  return async (values, context, options) => {
    const body = toBody(values);
    const checked = await check(body as Static<Schema>, context, options as never);
    const flat: Record<string, { type: string; message: string }> = {};
    for (const [field, error] of Object.entries(checked.errors)) {
      flat[field] = { type: String(error?.type ?? 'schema'), message: message(field as FieldName<Values>, body) };
    }
    for (const [field, text] of Object.entries(policy?.(body) ?? {}) as [string, string | undefined][]) {
      if (text && !flat[field]) flat[field] = { type: 'policy', message: text };
    }
    if (Object.keys(flat).length === 0) return { values: body as Static<Schema>, errors: {} };
    // toNestErrors attaches each field's element, which react-hook-form focuses after a failed submit.
    return { values: {}, errors: toNestErrors(flat, options) as FieldErrors<Values> };
  };
}

/** Each field's message, for `Field`'s `error`. */
export function fieldMessages<Values extends FieldValues>(errors: FieldErrors<Values>): Partial<Record<FieldName<Values>, string>> {
  const messages: Partial<Record<string, string>> = {};
  for (const [field, error] of Object.entries(errors)) if (typeof error?.message === 'string') messages[field] = error.message;
  return messages as Partial<Record<FieldName<Values>, string>>;
}
