import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';

/**
 * An account created or changed (role, scope, password, enabled or not). It names the account only: no password, not
 * even its hash; headquarters' sync reads the account itself to send it down to the sites.
 */
export const AccountChanged = defineEvent(
  'user.changed',
  1,
  z.object({
    userId: z.uuid(),
    username: z.string(),
    change: z.enum(['created', 'rights', 'password', 'active']),
  }),
);
