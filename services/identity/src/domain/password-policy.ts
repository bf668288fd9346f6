import { PASSWORD_MIN_LENGTH } from '@pedidos/contracts/identity';

/** What is wrong with a new password, one message per rule broken; empty when it is acceptable. */
export function passwordProblems(password: string, email: string): string[] {
  // Code points, not UTF-16 units: an emoji is one character to the person typing it.
  const chars = [...password];
  const problems: string[] = [];
  if (chars.length < PASSWORD_MIN_LENGTH) problems.push(`must be at least ${PASSWORD_MIN_LENGTH} characters long`);
  if (chars.length > 1 && new Set(chars.map((c) => c.toLowerCase())).size === 1) problems.push('must not be one character repeated');
  if (password.trim().toLowerCase() === email.trim().toLowerCase()) problems.push('must not be the email address');
  return problems;
}
