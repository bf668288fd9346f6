// The outbox and inbox tables alone, for schema files and drizzle-kit (no transport code).
export { outboxTable, type OutboxTable } from './outbox';
export { inboxTable, type InboxTable } from './inbox';
