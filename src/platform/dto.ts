/**
 * Pieces shared by the modules' response schemas (`*.dto.ts`). A response schema describes the JSON on the wire and,
 * through zod codecs, what the service hands to the route: `z.input<typeof X>` is the JSON a client receives (the web
 * app's types), `z.output<typeof X>` is the service's result type (instants as `Date`). Only zod here: the web app
 * compiles against these files.
 */
import { z } from 'zod';

/**
 * An instant the server holds as a `Date` and sends as ISO 8601 text (`Date#toJSON`, e.g. `2026-01-10T08:00:00.000Z`).
 * Decoding (a client, the tests) turns the text back into a `Date`.
 */
export const instant = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (text) => new Date(text),
  encode: (date) => date.toISOString(),
});

/** An instant the server already holds as ISO 8601 text (e.g. inside stored JSON): the same on both sides. */
export const instantText = z.iso.datetime({ offset: true });

export const count = z.number().int();

/** Every error answer of the API: `{error: {code, message, details?}}` with a stable `code` (`module.reason`). */
export const ErrorResponse = z.object({
  error: z.object({
    /** Stable and machine-readable, e.g. `custody.invalid_transition`, `request.invalid`. */
    code: z.string(),
    message: z.string(),
    /** What the code's documentation promises, e.g. `{issues: [{path, message}]}` for `request.invalid`. */
    details: z.unknown().optional(),
  }),
});
export type ErrorResponse = z.input<typeof ErrorResponse>;
// One component in the OpenAPI document, referenced by every error response.
z.globalRegistry.add(ErrorResponse, { id: 'Error' });
