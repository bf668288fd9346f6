import { Type, type Static } from 'typebox';
import { SingleLineText, Uuid } from './common';
import { PASSWORD_MIN_LENGTH } from './limits';

export { PASSWORD_MIN_LENGTH } from './limits';

export const ROLES = ['customer', 'admin'] as const;
export const Role = Type.Enum(ROLES);
export type Role = (typeof ROLES)[number];

const Email = Type.String({ format: 'email', maxLength: 254, description: 'unique, case-insensitively; stored lower-cased' });
const Password = Type.String({
  maxLength: 256,
  description: `at least ${PASSWORD_MIN_LENGTH} characters, not all the same character, not the email address`,
});

export const RegisterBody = Type.Object(
  { email: Email, password: Password, name: SingleLineText({ minLength: 1, maxLength: 100, pattern: '\\S' }) },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;

export const LoginBody = Type.Object(
  { email: SingleLineText({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const RefreshTokenBody = Type.Object(
  { refreshToken: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' }) },
  { additionalProperties: false },
);
export type RefreshTokenBody = Static<typeof RefreshTokenBody>;

export const User = Type.Object({ id: Uuid, email: Type.String(), name: Type.String(), role: Role });
export type User = Static<typeof User>;

export const TokenResponse = Type.Object({
  accessToken: Type.String({ description: 'a JWT signed with EdDSA (Ed25519); verify it against the JWKS' }),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'seconds until the access token expires' }),
  refreshToken: Type.String({ description: 'opaque; single use: each refresh returns a new one' }),
  user: User,
});
export type TokenResponse = Static<typeof TokenResponse>;

/** What every access token carries; `sub` is the user's id. */
export interface AccessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  role: Role;
  email: string;
  name: string;
  iat: number;
  exp: number;
  jti: string;
}

export const PublicJwk = Type.Object(
  {
    kty: Type.Literal('OKP'),
    crv: Type.Literal('Ed25519'),
    x: Type.String(),
    kid: Type.String(),
    alg: Type.Literal('EdDSA'),
    use: Type.Literal('sig'),
  },
  { additionalProperties: false },
);
export const Jwks = Type.Object({ keys: Type.Array(PublicJwk) });
export type Jwks = Static<typeof Jwks>;

/** OpenID Connect Discovery 1.0: the parts a token verifier reads. */
export const OpenIdConfiguration = Type.Object({
  issuer: Type.String(),
  jwks_uri: Type.String(),
  token_endpoint: Type.String(),
  userinfo_endpoint: Type.String(),
  registration_endpoint: Type.String(),
  response_types_supported: Type.Array(Type.String()),
  grant_types_supported: Type.Array(Type.String()),
  subject_types_supported: Type.Array(Type.String()),
  id_token_signing_alg_values_supported: Type.Array(Type.String()),
  token_endpoint_auth_methods_supported: Type.Array(Type.String()),
  scopes_supported: Type.Array(Type.String()),
  claims_supported: Type.Array(Type.String()),
});
export type OpenIdConfiguration = Static<typeof OpenIdConfiguration>;
