import { badRequest } from './errors';

/** Cursors are opaque to clients: base64url of the last key of the page. */
export const encodeCursor = (key: string | number) => Buffer.from(String(key), 'utf8').toString('base64url');

const invalid = () =>
  badRequest('REQUEST.BAD_CURSOR', 'The cursor is not one this API returned.', [{ path: '/query/cursor', message: 'invalid cursor' }]);

/** The key inside a cursor; `isKey` rejects a forged cursor that decodes to something no page ends with. */
export function decodeCursor(cursor: string, isKey: (key: string) => boolean = () => true): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (key === '' || encodeCursor(key) !== cursor || !isKey(key)) throw invalid();
  return key;
}

export function decodeIntCursor(cursor: string): number {
  return Number(decodeCursor(cursor, (key) => /^[1-9][0-9]{0,15}$/.test(key)));
}
