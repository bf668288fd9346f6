import type { ProductImageType } from '@pedidos/contracts/inventory';

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/**
 * What the bytes are, by their magic numbers, whatever the request's Content-Type says: a browser
 * told `image/png` must get a PNG, and anything else (an HTML page, a script) must never be served
 * back as an image.
 */
export function sniffImageType(bytes: Uint8Array): ProductImageType | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  return undefined;
}
