// The fuzzer in bounded form (`npm run bench -- reliability` runs it in full): hostile requests generated from the
// app's own OpenAPI document, over real HTTP, on every database. No answer may be a 5xx, and no rejected request may
// leave a trace in any table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, targets, type TestApp } from '../harness';
import { type Kind, KINDS } from './fuzz';
import { fuzz } from './runner';

// Kinds with their own cases below, since they are heavy (megabytes a request) and were 500s when the suite came in.
const HEAVY: Kind[] = ['deep-nesting', 'huge-raw-body'];
const GENERAL = (Object.keys(KINDS) as Kind[]).filter((k) => !HEAVY.includes(k));

describe.each(await targets())('the fuzzer on %s', (target) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(target);
  });
  afterAll(async () => app?.close());

  // Two passes of one request per operation each (the full run sends 20,000): bounded for `npm test`.
  it.each([14, 15])('answers every hostile request below 500 and rejected ones change nothing (seed %i)', async (seed) => {
    const stats = await fuzz(app, { requests: 64, seed, kinds: GENERAL });
    expect(stats.serverErrors).toEqual([]);
    expect(stats.stateChanges).toEqual([]);
    expect(stats.requests).toBe(64);
    // the requests reached the services (some accepted), and were not all turned away at the door
    expect(Object.keys(stats.statuses).some((s) => s.startsWith('2'))).toBe(true);
    expect(stats.statuses['400']).toBeGreaterThan(5);
  });

  it('answers JSON nested thousands of levels deep below 500 on every operation with a JSON body', async () => {
    const stats = await fuzz(app, { requests: 30, seed: 7, kinds: ['deep-nesting'], only: (op) => Boolean(op.body?.content['application/json']) });
    expect(stats.serverErrors).toEqual([]);
    expect(stats.stateChanges).toEqual([]);
  });

  it('answers a 14 MB raw body on every DELETE route below 500', async () => {
    const stats = await fuzz(app, { requests: 4, seed: 3, kinds: ['huge-raw-body'], only: (op) => op.method === 'DELETE' });
    expect(stats.serverErrors).toEqual([]);
    expect(stats.stateChanges).toEqual([]);
  });
});
