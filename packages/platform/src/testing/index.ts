export { createTestDatabase, storageOptions, writePgliteTemplate, type TestDatabase } from './postgres';
export { createTestVhost, type TestVhost } from './rabbitmq';
export * from './shapes';
export { badTokens, createTestIssuer, type TestIssuer, type TokenClaims } from './issuer';
export { eventually } from './eventually';
export { freePort, runToExit, startEntry, startProcess, waitReady, type StartOptions, type TestProcess } from './process';
export { startTcpProxy, type TcpProxy } from './tcp-proxy';
export { HOSTILE_CHARACTERS, capturedLog, expectHandled, type LogEntry, expectNoSecretsLogged, hostileText, invalidUtf8, isAcceptableText, percentEncode, withRawBytes } from './hostile';
export { domainErrorCodes } from './domain-error-codes';
