export { BEARER, createAuthorizer, principalOf, type Authorize } from './authorize';
export { InvalidToken, createTokenVerifier, displayNameOf, type Principal, type Role, type TokenVerifier, type VerifierOptions } from './verifier';
export { authConfigSpec, verifierOptions, type AuthConfig } from './config';
