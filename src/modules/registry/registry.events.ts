import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';

/**
 * Persons created or changed: `created` (enrolment), `names`, `details` (birth, sex, documents, nationalities,
 * household ...), `relations`. Screening reacts to the first three.
 */
export const PersonChanged = defineEvent(
  'person.changed',
  1,
  z.object({
    personIds: z.array(z.uuid()).min(1),
    change: z.enum(['created', 'names', 'details', 'relations']),
    by: z.string().nullable(),
  }),
);
