import { uuidv7 } from 'uuidv7';
import { randomBytes } from 'node:crypto';

/** Ids are made in TypeScript (UUIDv7, time-ordered) so that the same SQL runs on PGlite and PostgreSQL 15. */
export interface IdGenerator {
  next(): string;
}

export const uuidV7Ids: IdGenerator = { next: () => uuidv7() };

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
