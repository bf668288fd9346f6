import AjvCompiler, { type ValidatorFactory } from '@fastify/ajv-compiler';

/**
 * Formats for human-written text, named by the contracts' schemas. Control characters (C0, DEL,
 * C1) and lone UTF-16 surrogates are refused where they arrive: PostgreSQL rejects a NUL outright
 * and would store a lone surrogate as something else, and neither belongs in a name or a note.
 * U+FEFF too: a byte-order mark is no text (the embedded database drops one that leads a value).
 * With Ajv's `u` flag a lone surrogate is one unit that `\p{Cs}` matches; a well-formed pair is not.
 */
export const TEXT_FORMATS = {
  'single-line-text': { pattern: /^[^\p{Cc}\p{Cs}\uFEFF]*$/u, message: 'must be printable text on one line (no control characters)' },
  'multi-line-text': { pattern: /^(?:[\t\n\r]|[^\p{Cc}\p{Cs}\uFEFF])*$/u, message: 'must be printable text (no control characters but tab and line breaks)' },
} as const;

export const TEXT_FORMAT_PATTERNS = Object.fromEntries(Object.entries(TEXT_FORMATS).map(([name, format]) => [name, format.pattern]));

const common = {
  // Unknown fields are rejected by `additionalProperties: false`, never silently dropped.
  removeAdditional: false,
  useDefaults: true,
  // Every bad field is named at once; the body limit bounds the cost.
  allErrors: true,
  formats: TEXT_FORMAT_PATTERNS,
} as const;

/**
 * Two Ajv instances (each with ajv-formats, which the compiler adds itself): the body is
 * validated as sent (a JSON "2" is not 2), while the querystring, params and headers,
 * which only ever arrive as strings, are coerced.
 */
export function buildValidator(): ValidatorFactory {
  const fromPool = AjvCompiler();
  return (externalSchemas) => {
    const exact = fromPool(externalSchemas, { customOptions: { ...common, coerceTypes: false } });
    const coercing = fromPool(externalSchemas, { customOptions: { ...common, coerceTypes: 'array' } });
    return (route) => (route.httpPart === 'body' ? exact : coercing)(route);
  };
}
