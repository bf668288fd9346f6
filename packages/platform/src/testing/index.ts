export { createTestDatabase, type TestDatabase } from './postgres';
export { createTestVhost, type TestVhost } from './rabbitmq';
export * from './shapes';
