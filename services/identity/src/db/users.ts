import { eq } from 'drizzle-orm';
import type { Queryable } from '@pedidos/platform/db';
import { users } from './schema';

export type UserRow = typeof users.$inferSelect;

/** The new user, or undefined when the email is taken. */
export async function insertUser(q: Queryable, values: typeof users.$inferInsert): Promise<UserRow | undefined> {
  const [created] = await q.insert(users).values(values).onConflictDoNothing({ target: users.email }).returning();
  return created;
}

/** `email` already normalized. */
export async function userByEmail(q: Queryable, email: string): Promise<UserRow | undefined> {
  const [user] = await q.select().from(users).where(eq(users.email, email));
  return user;
}

export async function userById(q: Queryable, id: string): Promise<UserRow | undefined> {
  const [user] = await q.select().from(users).where(eq(users.id, id));
  return user;
}

export async function setPasswordHash(q: Queryable, id: string, passwordHash: string): Promise<void> {
  await q.update(users).set({ passwordHash }).where(eq(users.id, id));
}
