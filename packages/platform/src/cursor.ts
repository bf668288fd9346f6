import { badRequest } from './errors';

/** Cursors are opaque to clients: base64url of the last key of the page. */
export const encodeCursor = (key: string | number) => Buffer.from(String(key), 'utf8').toString('base64url');

const invalid = () =>
  badRequest('REQUEST.BAD_CURSOR', 'The cursor is not one this API returned.', [{ path: '/query/cursor', message: 'invalid cursor' }]);

export function decodeCursor(cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (key === '' || encodeCursor(key) !== cursor) throw invalid();
  return key;
}

export function decodeIntCursor(cursor: string): number {
  const key = Number(decodeCursor(cursor));
  if (!Number.isSafeInteger(key)) throw invalid();
  return key;
}
