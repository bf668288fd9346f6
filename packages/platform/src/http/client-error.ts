import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { PROBLEM_CONTENT_TYPE, problem } from '../errors';

/**
 * Node's HTTP parser refuses some requests before any route or hook can run (headers over
 * `maxHeaderSize`, a malformed request line, a request that took too long to arrive); Fastify's
 * own answer then is plain JSON. This one writes the same problem+json as every other error,
 * straight to the socket, which is all there is at that point.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, detail] =
    error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'REQUEST.HEADERS_TOO_LARGE', 'The request headers exceed the size this server accepts.']
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'REQUEST.TIMEOUT', 'The request did not arrive in full in time.']
    : [400, 'REQUEST.MALFORMED', 'The request is not well-formed HTTP.'];
  const body = JSON.stringify(problem(status, code, detail, { title: STATUS_CODES[status]! }));
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
