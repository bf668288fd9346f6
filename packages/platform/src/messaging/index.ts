export * from './bus';
export * from './cloud-event';
export { createInProcessBus, type InProcessBus } from './in-process-bus';
export { createRabbitMqBus } from './rabbitmq-bus';
export * from './dead-letters';
export * from './outbox';
export * from './inbox';
export { operationsReport } from './operations';
export { batchingHandler, type BatchingOptions } from './batching';
