import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import helmet from 'helmet';
import Fastify, { type FastifyInstance, type FastifyRequest, type HTTPMethods, type RawServerDefault } from 'fastify';
import type { CommonConfig } from '../config';
import { AppError, DomainError, problem } from '../errors';
import { continueTrace } from '../trace';
import { startServerSpan, tracingActive, type ServerSpan } from '../tracing';
// For its `FastifyRequest.principal` augmentation, which `decorateRequest('principal', …)` below needs.
import type {} from '../auth/authorize';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { clientErrorHandler } from './client-error';
import { answerFor, type ErrorMappings } from './error-table';
import { registerOpsRoutes, type ReadinessChecks } from './health';
import { problemFromError, sendProblem } from './problem';
import { isQuiet, RequestLog, REQUEST_ID_HEADER, requestId } from './request-log';
import { Problem, problemResponses } from './schemas';
import { TEXT_FORMAT_PATTERNS, buildValidator } from './validator';

export { clientErrorHandler } from './client-error';
export { errorTable, type ErrorMapping, type ErrorMappings } from './error-table';
export { fieldErrors, problemFromError, sendProblem } from './problem';
export { REQUEST_ID_HEADER } from './request-log';
export { Problem, ProblemRef, problemResponses } from './schemas';
export type { ReadinessChecks } from './health';

declare module 'fastify' {
  interface FastifyRequest {
    /** W3C trace context of this request: the caller's trace continued, or a new one. */
    traceparent: string;
  }
}

export type HttpApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger, TypeBoxTypeProvider>;

export interface HttpAppOptions {
  service: string;
  version: string;
  log: Logger;
  /** Exact browser origins allowed to call the API; empty = no CORS headers at all. */
  corsOrigins: string[];
  /** Run by `GET /health/ready`, e.g. `{ database: () => db.ping(), broker: () => bus.ping() }`. */
  readiness: ReadinessChecks;
  metrics: Metrics;
  openapi: { title: string; description: string };
  /** The service's error codes and how HTTP answers them (`errorTable`). */
  errors?: ErrorMappings;
  /** Bytes; 64 KiB by default. A route may raise its own with `bodyLimit`. */
  bodyLimit?: number;
  /** Per readiness check. */
  readinessTimeoutMs?: number;
  /** Requests per minute per client address on every route (a route may set its own); 0 turns it off. */
  rateLimitPerMinute?: number;
  /** A Redis the rate limits count in, shared by every process of the service; else in memory. */
  rateLimitRedisUrl?: string;
  /** Proxies trusted to report the client's address (Fastify's `trustProxy`); none by default. */
  trustProxy?: boolean | string[];
}

/** The HTTP settings every service reads from the common environment variables. */
export const httpSettings = (config: Pick<CommonConfig, 'CORS_ORIGINS' | 'RATE_LIMIT_PER_MIN' | 'RATE_LIMIT_REDIS_URL' | 'TRUST_PROXY'>) => ({
  corsOrigins: config.CORS_ORIGINS,
  rateLimitPerMinute: config.RATE_LIMIT_PER_MIN,
  rateLimitRedisUrl: config.RATE_LIMIT_REDIS_URL,
  trustProxy: config.TRUST_PROXY,
});

const PROBED_METHODS: HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * A Fastify instance with the house rules: problem+json for every error, request ids,
 * one log line per request, latency metrics, health, `/metrics`, OpenAPI at `/docs`.
 * The caller registers its routes on it, then `listen()`s or `inject()`s.
 */
export async function createHttpApp(opts: HttpAppOptions): Promise<HttpApp> {
  const app = Fastify({
    loggerInstance: opts.log,
    logController: new RequestLog(),
    requestIdHeader: false,
    genReqId: requestId,
    bodyLimit: opts.bodyLimit ?? 64 * 1024,
    // Socket idle limit: long-lived responses (SSE) must send a heartbeat more often than this.
    connectionTimeout: 60_000,
    // Time allowed to receive the whole request: bounds slow-loris clients.
    requestTimeout: 30_000,
    // Longer than the idle timeout of the proxies in front of us, so they close first.
    keepAliveTimeout: 72_000,
    routerOptions: { maxParamLength: 256 },
    return503OnClosing: true,
    // Rate limits and logs need the client's address, not the proxy's.
    trustProxy: opts.trustProxy ?? false,
    forceCloseConnections: 'idle',
    schemaController: { compilersFactory: { buildValidator: buildValidator() } },
    // The serializer picks a union's branch with its own Ajv: it must know the text formats too.
    serializerOpts: { ajv: { formats: TEXT_FORMAT_PATTERNS } },
    clientErrorHandler,
    // Rejected before routing (malformed URL, oversized param): no hooks run, so id and log line are ours to add.
    frameworkErrors: (error, request, reply) => {
      const details = problemFromError(error, request);
      request.log.info({ method: request.method, url: request.url, statusCode: details.status }, 'request rejected');
      reply.header(REQUEST_ID_HEADER, request.id);
      sendProblem(reply, details);
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addSchema(Problem);

  // Closing waits for every open connection, and a keep-alive one whose request is under way when
  // close begins stays open after its answer for as long as the client keeps it (undici: the
  // keep-alive timeout above, 72 s, past any grace period): from then on, answers close theirs.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  // Bodies are JSON in UTF-8 (RFC 8259 §8.1) and nothing else: invalid bytes are refused, not
  // turned into U+FFFD and stored, and text/plain is no second way in. Fastify's own parser
  // (with its prototype-poisoning checks) does the rest.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    if (!isUtf8(body as Buffer)) return done(new AppError(400, 'REQUEST.INVALID_UTF8', 'The request body is not valid UTF-8.'), undefined);
    parseJson(request, (body as Buffer).toString('utf8'), done);
  });

  app.decorateRequest('traceparent', '');
  app.decorateRequest('principal', null);
  const serverSpans = new WeakMap<FastifyRequest, ServerSpan>();
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    // Events this request causes carry its trace, so one order can be followed across services.
    const incoming = typeof request.headers.traceparent === 'string' ? request.headers.traceparent : undefined;
    // Probes and docs (hidden routes) would bury the traces worth reading.
    const span = !tracingActive() || isQuiet(request) ? undefined : startServerSpan({
      method: request.method,
      route: request.routeOptions.url,
      path: request.url.split('?', 1)[0] ?? '/',
      traceparent: incoming,
      clientAddress: request.ip,
      userAgent: request.headers['user-agent'],
    });
    if (!span) {
      request.traceparent = continueTrace(incoming);
      return;
    }
    serverSpans.set(request, span);
    request.traceparent = span.traceparent;
    // Fastify gives the reply its own reference to the request's logger: both name the span.
    request.log = reply.log = request.log.child({ trace_id: span.traceId, span_id: span.spanId });
  });

  app.addHook('onRequestAbort', async (request) => {
    serverSpans.get(request)?.end(undefined);
    serverSpans.delete(request);
  });

  app.addHook('onResponse', async (request, reply) => {
    serverSpans.get(request)?.end(reply.statusCode);
    serverSpans.delete(request);
    opts.metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  // Every documented route advertises problem+json for its errors, unless it says more itself.
  app.addHook('onRoute', (route) => {
    if ((route.schema as { hide?: boolean } | undefined)?.hide) return;
    const response = (route.schema?.response ?? {}) as Record<string, unknown>;
    route.schema = { ...route.schema, response: { ...problemResponses('4xx', '5xx'), ...response } };
  });

  app.setErrorHandler((thrown, request, reply) => {
    const error = thrown instanceof Error ? thrown : new Error(`non-error thrown: ${String(thrown)}`);
    const answer = error instanceof DomainError ? answerFor(error, opts.errors) : undefined;
    const details = answer?.details ?? problemFromError(error, request, opts.errors);
    if (answer) reply.headers(answer.headers);
    // A deliberate 5xx (AppError) is expected operation; anything else is a bug worth a stack.
    if (details.status >= 500) request.log[error instanceof AppError ? 'warn' : 'error']({ err: error }, 'request failed');
    return sendProblem(reply, details);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '/';
    const allowed = PROBED_METHODS.filter((method) => app.findRoute({ method, url: path }) !== null);
    if (allowed.length > 0) {
      if (allowed.includes('GET')) allowed.push('HEAD');
      reply.header('allow', allowed.join(', '));
      return sendProblem(reply, problem(405, 'ROUTE.METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}.`, {
        title: 'Method not allowed',
      }));
    }
    return sendProblem(reply, problem(404, 'ROUTE.NOT_FOUND', `No route matches ${request.method} ${path}.`, { title: 'Route not found' }));
  });

  // Conservative headers for an API that serves JSON only; the docs UI sets its own CSP. helmet
  // itself, built once: @fastify/helmet builds it again (parsing the CSP) for every request.
  const securityHeaders = helmet({
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
  app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined)));

  // Per client address: in Redis when given, shared by every worker and replica; else in this
  // process's memory, each process counting on its own.
  const redis = opts.rateLimitRedisUrl ? rateLimitStore(opts.rateLimitRedisUrl, opts.log) : undefined;
  if (redis) app.addHook('onClose', async () => void (await redis.quit().catch(() => redis.disconnect())));
  await app.register(rateLimit, {
    global: (opts.rateLimitPerMinute ?? 0) > 0,
    max: opts.rateLimitPerMinute ?? 0,
    timeWindow: 60_000,
    ...(redis ? {
      redis,
      nameSpace: `pedidos-rate-limit:${opts.service}:`,
      // A limiter that cannot count lets requests through rather than refusing every one.
      skipOnError: true,
    } : {}),
    errorResponseBuilder: (_request, context) =>
      new AppError(429, 'REQUEST.RATE_LIMITED', `Too many requests from this address; retry in ${context.after}.`),
  });

  if (opts.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: opts.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', REQUEST_ID_HEADER],
      exposedHeaders: [REQUEST_ID_HEADER, 'location'],
      maxAge: 600,
    });
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: opts.openapi.title, description: opts.openapi.description, version: opts.version },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    // Shared schemas keep their `$id` as their name under components.schemas (`Problem`, not `def-0`).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  registerOpsRoutes(app, {
    readiness: opts.readiness,
    readinessTimeoutMs: opts.readinessTimeoutMs ?? 2_000,
    metrics: opts.metrics,
  });

  return app;
}

/**
 * The Redis client of the rate limits, tuned as @fastify/rate-limit advises: a request never
 * waits long on a Redis that is down (one retry, short connect timeout). It reconnects by itself.
 */
function rateLimitStore(url: string, log: Logger): Redis {
  const redis = new Redis(url, { connectTimeout: 500, maxRetriesPerRequest: 1, connectionName: 'pedidos-rate-limit' });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) log.warn({ err }, 'rate limit store unreachable; requests are let through uncounted');
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info('rate limit store reachable again');
    down = false;
  });
  return redis;
}
