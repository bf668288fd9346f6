import AjvCompiler, { type ValidatorFactory } from '@fastify/ajv-compiler';
import { TEXT_FORMATS } from '@pedidos/contracts/text-formats';

export { TEXT_FORMATS };

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
