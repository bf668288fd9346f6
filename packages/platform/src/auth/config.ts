import { optional, string, url, type ConfigOf } from '../config';

/** How a service checks tokens: the built-in identity service, or any OIDC provider. */
export const authConfigSpec = {
  JWT_ISSUER: url(['http:', 'https:'], 'http://127.0.0.1:5003'),
  /** Defaults to `<JWT_ISSUER>/.well-known/jwks.json`. */
  JWKS_URL: optional(url(['http:', 'https:'])),
  JWT_AUDIENCE: string('pedidos'),
  JWT_ROLE_CLAIM: string('role'),
  JWT_ADMIN_ROLE: string('admin'),
};

export type AuthConfig = ConfigOf<typeof authConfigSpec>;

export const verifierOptions = (config: AuthConfig) => ({
  issuer: config.JWT_ISSUER,
  audience: config.JWT_AUDIENCE,
  jwksUrl: config.JWKS_URL ?? `${config.JWT_ISSUER.replace(/\/+$/, '')}/.well-known/jwks.json`,
  roleClaim: config.JWT_ROLE_CLAIM,
  adminRole: config.JWT_ADMIN_ROLE,
});
