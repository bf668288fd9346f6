import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import fastifyHttpProxy from '@fastify/http-proxy';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { commonConfigSpec, optional, port, string, url } from '@pedidos/platform/config';
import { problem } from '@pedidos/platform/errors';
import { clientErrorHandler, problemFromError, sendProblem } from '@pedidos/platform/http';
import type { Logger } from '@pedidos/platform/logger';
import { StartupError } from '@pedidos/platform/runtime';

/** `npm run start:web`: the web server alone, in front of services that run elsewhere. */
export const webConfigSpec = {
  LOG_LEVEL: commonConfigSpec.LOG_LEVEL,
  SHUTDOWN_TIMEOUT_MS: commonConfigSpec.SHUTDOWN_TIMEOUT_MS,
  PORT: port(3000),
  ORDERS_URL: url(['http:', 'https:'], 'http://127.0.0.1:5000'),
  INVENTORY_URL: url(['http:', 'https:'], 'http://127.0.0.1:5001'),
  PAYMENTS_URL: url(['http:', 'https:'], 'http://127.0.0.1:5002'),
  IDENTITY_URL: url(['http:', 'https:'], 'http://127.0.0.1:5003'),
  /** Proxies in front of the web server whose X-Forwarded-For it believes; none by default. */
  TRUST_PROXY: commonConfigSpec.TRUST_PROXY,
  /** A built web app to serve instead of web/dist, which is then not built at start. */
  WEB_DIST_DIR: optional(string()),
};

export interface WebServerOptions {
  /** The built app: index.html plus Vite's content-hashed files under assets/. */
  distDir: string;
  ordersUrl: string;
  inventoryUrl: string;
  paymentsUrl: string;
  identityUrl: string;
  log: Logger;
  /** Per upstream readiness probe. */
  readinessTimeoutMs?: number;
  /** Proxies in front of this server whose X-Forwarded-For it believes (Fastify's `trustProxy`); none by default. */
  trustProxy?: boolean | string[];
  /** The address to connect to the services from, so that they can trust this server by it and nobody else. */
  localAddress?: string;
}

export type WebServer = Awaited<ReturnType<typeof createWebServer>>;

// Which service answers which path prefix; everything else is the app.
const routes = (opts: WebServerOptions) => [
  { prefix: '/api/orders', upstream: opts.ordersUrl, service: 'orders' },
  { prefix: '/api/webhooks', upstream: opts.ordersUrl, service: 'orders' },
  { prefix: '/api/products', upstream: opts.inventoryUrl, service: 'inventory' },
  { prefix: '/api/payments', upstream: opts.paymentsUrl, service: 'payments' },
  { prefix: '/api/auth', upstream: opts.identityUrl, service: 'identity' },
  { prefix: '/.well-known', upstream: opts.identityUrl, service: 'identity' },
];

const NOT_THE_APP = /^\/(api|\.well-known|health)(\/|$)/;
const HAS_EXTENSION = /\/[^/]*\.[^/]*$/;

// Only the app's own code: no inline script, no third-party origin. React sets styles inline.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
  "font-src 'self' data:", "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The browser's single origin: the built React app from `distDir` (any other GET path that names
 * no file gets index.html, for client-side routes) and a reverse proxy of the API paths to the
 * services, streaming, so Server-Sent Events pass through as they are written.
 */
export async function createWebServer(opts: WebServerOptions) {
  if (!existsSync(join(opts.distDir, 'index.html'))) {
    throw new StartupError(`the web app is not built: ${join(opts.distDir, 'index.html')} is missing (npm run build)`);
  }
  const assetsDir = join(opts.distDir, 'assets') + sep;

  const app = Fastify({
    loggerInstance: opts.log,
    logController: new RequestLog(),
    // Time allowed to receive a whole request (slow-loris bound); a long SSE response is not affected.
    requestTimeout: 30_000,
    keepAliveTimeout: 72_000,
    // Open event streams would otherwise hold close() until their browsers leave.
    forceCloseConnections: true,
    return503OnClosing: true,
    trustProxy: opts.trustProxy ?? false,
    clientErrorHandler,
    // Refused before routing (a malformed percent-encoding): no hook runs, the answer is still a problem.
    frameworkErrors: (error, request, reply) => sendProblem(reply, problemFromError(error, request)),
  });

  // Whatever a plugin throws (the static files' 403, the proxy's refusals) is a problem too.
  app.setErrorHandler((thrown, request, reply) => {
    const error = thrown instanceof Error ? thrown : new Error(`non-error thrown: ${String(thrown)}`);
    const details = problemFromError(error, request);
    if (details.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, details);
  });

  // One answer for a path that climbs out of its folder, whichever route would have taken it:
  // neither the files on disk nor a service behind the proxy ever sees one.
  app.addHook('onRequest', async (request, reply) => {
    const refusal = pathRefusal(request.url.split('?', 1)[0] ?? '/');
    if (refusal) return sendProblem(reply, refusal);
  });

  for (const route of routes(opts)) {
    await app.register(fastifyHttpProxy, {
      upstream: route.upstream,
      prefix: route.prefix,
      rewritePrefix: route.prefix,
      disableRequestLogging: true,
      ...(opts.localAddress ? { undici: { localAddress: opts.localAddress } } : {}),
      replyOptions: {
        rewriteRequestHeaders: (request, headers) => forwardedHeaders(request, headers),
        onError: (reply, { error }) => {
          reply.log.warn({ err: error, upstream: route.upstream }, `${route.service} did not answer`);
          sendProblem(reply as FastifyReply, problem(502, 'UPSTREAM.UNAVAILABLE', `The ${route.service} service did not answer; try again shortly.`, {
            title: 'Service unavailable',
          }));
        },
      },
    });
  }

  await app.register(fastifyStatic, {
    root: opts.distDir,
    // Hashed file names change with their content: cache them for good. The rest is revalidated.
    setHeaders: (reply, path) => {
      reply.header('x-content-type-options', 'nosniff');
      if (path.startsWith(assetsDir)) {
        reply.header('cache-control', 'public, max-age=31536000, immutable');
        return;
      }
      reply.header('cache-control', 'no-cache');
      if (path.endsWith('.html')) {
        reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
        reply.header('referrer-policy', 'strict-origin-when-cross-origin');
      }
    },
  });

  app.get('/health/live', async () => ({ status: 'ok' }));

  // Ready when every service behind it is: one address to wait on for the whole system.
  app.get('/health/ready', async (_request, reply) => {
    const timeoutMs = opts.readinessTimeoutMs ?? 2_000;
    const services = { orders: opts.ordersUrl, inventory: opts.inventoryUrl, payments: opts.paymentsUrl, identity: opts.identityUrl };
    const checks = Object.fromEntries(await Promise.all(Object.entries(services).map(async ([name, base]) => [name, await probe(base, timeoutMs)] as const)));
    const failing = Object.entries(checks).filter(([, state]) => state !== 'ok');
    if (failing.length === 0) return { status: 'ok', checks };
    const detail = `Not ready: ${failing.map(([name, state]) => `${name} ${state}`).join('; ')}.`;
    return sendProblem(reply, problem(503, 'SERVICE.NOT_READY', detail, { title: 'Service not ready', checks }));
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '/';
    const navigation = (request.headers.accept ?? '').includes('text/html');
    if ((request.method === 'GET' || request.method === 'HEAD') && !NOT_THE_APP.test(path) && (navigation || !HAS_EXTENSION.test(path))) {
      return reply.sendFile('index.html');
    }
    return sendProblem(reply, problem(404, 'ROUTE.NOT_FOUND', `No route matches ${request.method} ${path}.`, { title: 'Route not found' }));
  });

  return app;
}

/** The services log every API call themselves; here only failures are worth a line at info and above. */
class RequestLog extends LogController {
  override incomingRequest(): void {}

  override routeNotFound(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, url: request.url, statusCode: reply.statusCode, responseTime: Math.round(reply.elapsedTime) };
    if (error || reply.statusCode >= 500) reply.log.warn({ ...line, err: error ?? undefined }, 'request failed');
    else reply.log.debug(line, 'request completed');
  }
}

/**
 * What the services hear about the client: the one address this server determined, its peer's or
 * the one a proxy it trusts reported, never a chain the client wrote itself.
 */
function forwardedHeaders(request: Pick<FastifyRequest, 'ip' | 'protocol' | 'host'>, headers: Record<string, string | string[] | undefined>) {
  return {
    ...headers,
    'x-forwarded-for': request.ip,
    'x-forwarded-proto': request.protocol,
    'x-forwarded-host': request.host,
  };
}

/** A `..` segment (however encoded, between `/` or `\`) or a NUL byte: refused, not resolved. */
function pathRefusal(path: string) {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return problem(400, 'REQUEST.BAD_URL', 'The request URL is not correctly percent-encoded.', { title: 'Malformed URL' });
  }
  if (!decoded.includes('\0') && !decoded.split(/[/\\]/).includes('..')) return undefined;
  return problem(400, 'REQUEST.BAD_PATH', 'The request path may not contain a ".." segment or a NUL byte.', { title: 'Path not allowed' });
}

async function probe(base: string, timeoutMs: number): Promise<string> {
  try {
    const response = await fetch(new URL('/health/ready', base), { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok ? 'ok' : `down: /health/ready answered ${response.status}`;
  } catch (error) {
    // fetch keeps the useful part (ECONNREFUSED, a timeout) in its cause.
    let inner = error;
    while (inner instanceof Error && inner.cause !== undefined) inner = inner.cause;
    const code = (inner as NodeJS.ErrnoException).code;
    return `down: ${code ?? (inner instanceof Error ? inner.message : String(inner))}`;
  }
}
