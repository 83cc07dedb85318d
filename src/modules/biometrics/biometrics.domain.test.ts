import { describe, expect, it } from 'vitest';
import { candidatesByPerson, decideCase, fingerPosition, FINGERPRINT_DECISIONS, modelVersionOf, templateBinding } from './biometrics.domain';

describe('biometrics domain', () => {
  it('finger positions are 1..10', () => {
    expect(fingerPosition(1)).toBe(1);
    expect(fingerPosition('10')).toBe(10);
    for (const bad of [0, 11, 2.5, '3a', '', null, -1]) expect(() => fingerPosition(bad)).toThrow(/finger position/);
  });

  it('candidates: each person once with the best template, best first, without the excluded person', () => {
    const hits = [
      { templateId: 't1', personId: 'a', score: 50 },
      { templateId: 't2', personId: 'b', score: 70, fingerPosition: 2 },
      { templateId: 't3', personId: 'a', score: 90 },
      { templateId: 't4', personId: 'c', score: 60 },
      { templateId: 't5', personId: 'self', score: 99 },
    ];
    expect(candidatesByPerson(hits, 2, 'self')).toEqual([
      { personId: 'a', score: 90, templateId: 't3', fingerPosition: null },
      { personId: 'b', score: 70, templateId: 't2', fingerPosition: 2 },
    ]);
    expect(candidatesByPerson([], 5)).toEqual([]);
    expect(candidatesByPerson(hits, 0)).toEqual([]);
  });

  it('a duplicate case is decided once; a same-person decision names a survivor among its two persons', () => {
    const open = { status: 'open', newPersonId: 'n', existingPersonId: 'e' };
    expect(decideCase(open, { decision: 'same_person', reason: 'same' })).toEqual({ survivingPersonId: 'e' });
    expect(decideCase(open, { decision: 'same_person', reason: 'same', survivingPersonId: 'n' })).toEqual({ survivingPersonId: 'n' });
    expect(decideCase(open, { decision: 'different_persons', reason: 'twins' })).toEqual({ survivingPersonId: null });
    expect(() => decideCase(open, { decision: 'same_person', reason: 'x', survivingPersonId: 'z' })).toThrow(/one of the two/);
    expect(() => decideCase(open, { decision: 'different_persons', reason: 'x', survivingPersonId: 'n' })).toThrow(/same-person/);
    expect(() => decideCase({ ...open, status: 'same_person' }, { decision: 'different_persons', reason: 'x' })).toThrow(/already decided/);
  });

  it('thresholds state the FMR they target; tags and bindings', () => {
    expect(FINGERPRINT_DECISIONS.verify).toEqual({ threshold: 30, targetFmr: 1e-3 });
    expect(FINGERPRINT_DECISIONS.identify).toEqual({ threshold: 40, targetFmr: 1e-4 });
    expect(modelVersionOf('face-api.faceRecognitionNet@1.7.15/p2')).toBe('1.7.15/p2');
    expect(modelVersionOf('plain')).toBe('unknown');
    expect(templateBinding('p', 't')).not.toBe(templateBinding('t', 'p'));
  });
});
