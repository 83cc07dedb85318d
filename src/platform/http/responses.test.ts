import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { instant, instantText } from '../dto';
import { ResponseContractError, responseCheckFrom, responseProblem, responseSerializerCompiler } from './responses';

const Thing = z.object({
  id: z.string(),
  at: instant,
  stored: instantText,
  note: z.string().nullable(),
  tags: z.array(z.object({ name: z.string() })),
  extra: z.number().optional(),
});
const at = new Date('2026-01-10T08:00:00.000Z');
const thing = { id: 'a', at, stored: '2026-01-09T07:00:00.000Z', note: null, tags: [{ name: 'x' }] };
const wire = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe('responseProblem: the JSON as a client reads it, against its schema', () => {
  it('accepts a body that is exactly what the schema describes (instants as Date#toJSON writes them)', () => {
    expect(responseProblem(Thing, wire(thing))).toBeNull();
    expect(responseProblem(Thing, wire({ ...thing, extra: 3 }))).toBeNull();
    expect(responseProblem(z.array(Thing), wire([thing, thing]))).toBeNull();
  });

  it('names a missing field, a wrong type and a bad instant', () => {
    const { note: _note, ...noNote } = thing;
    expect(responseProblem(Thing, wire(noNote))).toMatch(/^note: /);
    expect(responseProblem(Thing, wire({ ...thing, tags: [{ name: 1 }] }))).toMatch(/^tags\.0\.name: /);
    expect(responseProblem(Thing, wire({ ...thing, at: '10 January 2026' }))).toMatch(/^at: /);
  });

  it('names a field the schema does not describe, however deep', () => {
    expect(responseProblem(Thing, wire({ ...thing, secret: 'x' }))).toMatch(/^secret is not described/);
    expect(responseProblem(Thing, wire({ ...thing, tags: [{ name: 'x', hidden: true }] }))).toMatch(/^tags\[0\]\.hidden is not described/);
  });

  it('names an instant not written the way the server writes it', () => {
    expect(responseProblem(Thing, wire({ ...thing, at: '2026-01-10T08:00:00Z' }))).toMatch(/^at /);
  });
});

describe('responseSerializerCompiler', () => {
  const compile = (check: 'off' | 'log' | 'strict', logged: unknown[] = []) =>
    responseSerializerCompiler(check, { error: (o: unknown) => logged.push(o) } as never)({
      schema: Thing,
      method: 'GET',
      url: '/things/:id',
      httpStatus: '200',
    });
  const wrong = { ...thing, secret: 'x' };

  it('sends exactly what JSON.stringify makes of the handler result, in every mode', () => {
    for (const check of ['off', 'log', 'strict'] as const) expect(compile(check)(thing)).toBe(JSON.stringify(thing));
    expect(compile('off')(wrong)).toBe(JSON.stringify(wrong));
  });

  it('logs a mismatch and still answers with check=log; refuses it with check=strict', () => {
    const logged: unknown[] = [];
    expect(compile('log', logged)(wrong)).toBe(JSON.stringify(wrong));
    expect(logged).toEqual([expect.objectContaining({ url: '/things/:id', status: '200', problem: expect.stringContaining('secret') })]);
    expect(() => compile('strict')(wrong)).toThrow(ResponseContractError);
  });

  it('reads CUSTOS_RESPONSE_CHECK, off by default, and refuses an unknown value', () => {
    expect(responseCheckFrom(undefined)).toBe('off');
    expect(responseCheckFrom('')).toBe('off');
    expect(responseCheckFrom('strict')).toBe('strict');
    expect(() => responseCheckFrom('yes')).toThrow(/CUSTOS_RESPONSE_CHECK/);
  });
});
