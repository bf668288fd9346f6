import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { BEARER, principalOf, type Authorize } from '@pedidos/platform/auth';
import {
  Jwks, LoginBody, OpenIdConfiguration, RefreshTokenBody, RegisterBody, TokenResponse, User,
} from '@pedidos/contracts/identity';
import type { IdentityService } from '../identity-service';
import { identityErrors } from './errors';

const JWKS_PATH = '/.well-known/jwks.json';

export interface IdentityRoutesOptions {
  service: IdentityService;
  authorize: Authorize;
  issuer: string;
  loginPerMinute: number;
  registerPerMinute: number;
}

export const identityRoutes: FastifyPluginAsyncTypebox<IdentityRoutesOptions> = async (app, { service, authorize, issuer, loginPerMinute, registerPerMinute }) => {
  // Stricter than the platform's limit on every route; counted per client address, per process.
  const perMinute = (max: number) => ({ rateLimit: { max, timeWindow: 60_000 } });
  const tags = ['auth'];

  app.post('/api/auth/register', {
    config: perMinute(registerPerMinute),
    schema: {
      tags, summary: 'Create a customer account', body: RegisterBody,
      response: { 201: User, ...identityErrors.responses(400, 'USER.WEAK_PASSWORD', 'USER.EMAIL_TAKEN', 429) },
    },
  }, async (request, reply) => reply.code(201).send(await service.register(request.body)));

  app.post('/api/auth/login', {
    config: perMinute(loginPerMinute),
    schema: {
      tags, summary: 'Exchange email and password for tokens',
      description: 'A wrong email and a wrong password get the same 401. After repeated failures for one email from one address (an IPv6 /64), that address is locked out of that email for a while, longer each time: 429 with `Retry-After`, the same whether or not the account exists. Other addresses are not affected.',
      body: LoginBody, response: { 200: TokenResponse, ...identityErrors.responses(400, 'AUTH.INVALID_CREDENTIALS', 429, 'AUTH.ACCOUNT_LOCKED') },
    },
  }, async (request, reply) => reply.header('cache-control', 'no-store').send(await service.login(request.body, request.ip)));

  app.post('/api/auth/refresh', {
    schema: {
      tags, summary: 'Exchange a refresh token for new tokens',
      description: 'The refresh token presented is spent: keep the new one. Presenting a spent token again revokes every token descended from the same login. Refused, without being spent, while the account is disabled or the caller\'s address is locked out of it.',
      body: RefreshTokenBody, response: { 200: TokenResponse, ...identityErrors.responses(400, 'AUTH.INVALID_REFRESH_TOKEN') },
    },
  }, async (request, reply) => reply.header('cache-control', 'no-store').send(await service.refresh(request.body.refreshToken, request.ip)));

  app.post('/api/auth/logout', {
    schema: {
      tags, summary: 'Revoke a refresh token', body: RefreshTokenBody,
      response: { 204: Type.Null({ description: 'Revoked (an unknown or already revoked token is not an error)' }), ...identityErrors.responses(400) },
    },
  }, async (request, reply) => {
    await service.logout(request.body.refreshToken);
    return reply.code(204).send(null);
  });

  app.get('/api/auth/me', {
    preHandler: authorize('customer', 'admin'),
    schema: {
      tags, summary: 'The user the bearer token was issued to', security: BEARER,
      response: { 200: User, ...identityErrors.responses(401, 'AUTH.INVALID_TOKEN') },
    },
  }, (request) => service.me(principalOf(request)));

  const discovery = ['discovery'];
  app.get(JWKS_PATH, {
    schema: {
      tags: discovery, summary: 'The public keys that verify access tokens',
      description: 'The signing key and replaced keys whose tokens may still be valid. Cacheable for 5 minutes; refetch on an unknown `kid`.',
      response: { 200: Jwks },
    },
  }, async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(await service.jwks()));

  const base = issuer.replace(/\/+$/, '');
  // No authorization_endpoint: there is no browser redirect flow, tokens come from the login route.
  const configuration: OpenIdConfiguration = {
    issuer,
    jwks_uri: `${base}${JWKS_PATH}`,
    token_endpoint: `${base}/api/auth/login`,
    userinfo_endpoint: `${base}/api/auth/me`,
    registration_endpoint: `${base}/api/auth/register`,
    response_types_supported: ['token'],
    grant_types_supported: ['password', 'refresh_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['EdDSA'],
    token_endpoint_auth_methods_supported: ['none'],
    scopes_supported: ['openid', 'email', 'profile'],
    claims_supported: ['iss', 'aud', 'sub', 'iat', 'exp', 'jti', 'email', 'name', 'role'],
  };
  app.get('/.well-known/openid-configuration', {
    schema: { tags: discovery, summary: 'OpenID Connect discovery document', response: { 200: OpenIdConfiguration } },
  }, async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(configuration));
};
