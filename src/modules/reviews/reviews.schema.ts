import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const custodyStatements = pgTable('custody_statements', {
  id: uuid('id').primaryKey(),
  siteId: text('site_id').notNull(),
  issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
  reason: text('reason').notNull(),
  statementText: text('statement_text').notNull(),
  signature: text('signature').notNull(),
  publicKey: text('public_key').notNull(),
  issuedBy: text('issued_by').notNull(),
});
