import { Address, addressProblems, normalizeAddress } from '@pedidos/contracts/orders';
import { isRecord, readStored, writeStored } from '../../lib/storage';

/** The address form's fields, named as the contract's `Address` names them. */
export const ADDRESS_FIELDS = ['name', 'line1', 'line2', 'city', 'state', 'postalCode', 'country'] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];
export type AddressInput = Record<AddressField, string>;

/** Why the browser refuses a field: the contract's rules, checked before sending. */
type AddressProblem = 'required' | 'tooLong' | 'cep';
export type AddressErrors = Partial<Record<AddressField, AddressProblem>>;

/** Countries offered first; the select lists these, by name in the reader's language. */
export const COUNTRIES = ['BR', 'AR', 'CL', 'CO', 'MX', 'UY', 'PY', 'PE', 'PT', 'ES', 'US', 'CA', 'GB', 'DE', 'FR', 'IT', 'JP'] as const;
const DEFAULT_COUNTRY = 'BR';

const OPTIONAL = new Set<AddressField>(['line2']);

/** The schema's own limit for a field, so the sentence and the check cannot drift from the API's. */
export const maxLengthOf = (field: AddressField): number | undefined =>
  (Address.properties[field] as { maxLength?: number; anyOf?: { maxLength?: number }[] }).maxLength
  ?? (Address.properties[field] as { anyOf?: { maxLength?: number }[] }).anyOf?.find((s) => s.maxLength)?.maxLength;

export const emptyAddress = (name = ''): AddressInput => ({ name, line1: '', line2: '', city: '', state: '', postalCode: '', country: DEFAULT_COUNTRY });

/**
 * The address the API would accept, or each field's problem. The same rules as the orders service:
 * required fields, the schema's lengths, and a CEP for a Brazilian address (`addressProblems`).
 */
export function checkAddress(input: AddressInput): { address: Address; errors: null } | { address: null; errors: AddressErrors } {
  const trimmed = Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, input[f].trim()])) as AddressInput;
  const errors: AddressErrors = {};
  for (const field of ADDRESS_FIELDS) {
    const max = maxLengthOf(field);
    if (trimmed[field] === '' && !OPTIONAL.has(field)) errors[field] = 'required';
    else if (max !== undefined && [...trimmed[field]].length > max) errors[field] = 'tooLong';
  }
  if (!errors.postalCode && addressProblems(trimmed).some((p) => p.path === '/postalCode')) errors.postalCode = 'cep';
  if (Object.keys(errors).length > 0) return { address: null, errors };
  const { line2, ...required } = trimmed;
  return { address: normalizeAddress({ ...required, ...(line2 ? { line2 } : {}) }), errors: null };
}

/** The address of the last order placed from this browser, per account: the next checkout starts from it. */
const KEY = 'pedidos.lastAddress';

export function readLastAddress(userId: string): AddressInput | null {
  const stored = readStored(KEY);
  if (!isRecord(stored) || stored.userId !== userId || !isRecord(stored.address)) return null;
  const address = stored.address;
  if (!ADDRESS_FIELDS.every((f) => f === 'line2' || typeof address[f] === 'string')) return null;
  return Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, typeof address[f] === 'string' ? address[f] : ''])) as AddressInput;
}

export function saveLastAddress(userId: string, address: Address): void {
  writeStored(KEY, { userId, address });
}
