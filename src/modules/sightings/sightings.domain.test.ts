import { describe, expect, it } from 'vitest';
import {
  approvalProblem,
  checkReference,
  daysAtLarge,
  exportProblem,
  instructionFor,
  noticeContent,
  readDocumentNumber,
  recipientProblem,
  wantedStatusOf,
  type NoticeFacts,
} from './sightings.domain';

describe('the checkpoint instruction', () => {
  it('detains an escaped adult, reports an unaccounted one, protects a child, and says no match otherwise', () => {
    expect(instructionFor({ wanted: 'ESCAPED', minor: false })).toBe('detain');
    expect(instructionFor({ wanted: 'UNACCOUNTED', minor: false })).toBe('report_and_release');
    expect(instructionFor({ wanted: null, minor: false })).toBe('report_and_release');
    expect(instructionFor(null)).toBe('no_match');
  });
  it('never detains a child', () => {
    for (const wanted of ['ESCAPED', 'UNACCOUNTED', null] as const) expect(instructionFor({ wanted, minor: true })).toBe('refer_child_protection');
  });
  it('puts escaped and unaccounted persons in the gallery, nobody else', () => {
    expect(wantedStatusOf('escaped')).toBe('ESCAPED');
    expect(wantedStatusOf('unaccounted')).toBe('UNACCOUNTED');
    for (const s of ['in_custody', 'released', 'repatriated', 'deceased', 'temporarily_out', 'in_transit']) expect(wantedStatusOf(s)).toBeNull();
  });
  it('makes a reference from the check id and day', () => {
    expect(checkReference('0190a000-0000-7000-8000-00000000abcd', new Date('2026-03-04T10:00:00Z'))).toBe('CK-20260304-00ABCD');
  });
});

describe('document numbers', () => {
  it('reads a number as printed, ignoring spaces and hyphens', () => {
    expect(readDocumentNumber(' a12-34 567 ')).toEqual({ ok: true, value: 'A1234567' });
  });
  it('refuses what cannot be a document number, saying why', () => {
    for (const bad of ['12', 'ABCDEFG', 'A1234567890123456789012', 'A12/345', 'А1234567']) expect(readDocumentNumber(bad).ok).toBe(false);
  });
});

describe('notices', () => {
  it("sends a child's notice to child protection only", () => {
    expect(recipientProblem(true, 'state_liaison')).toMatch(/child-protection/);
    expect(recipientProblem(true, 'border_service')).not.toBeNull();
    expect(recipientProblem(true, 'child_protection')).toBeNull();
    expect(recipientProblem(false, 'state_liaison')).toBeNull();
  });
  it('needs two approvals by two different people', () => {
    expect(exportProblem({ status: 'draft', approvers: [] })).not.toBeNull();
    expect(exportProblem({ status: 'draft', approvers: ['u1'] })).not.toBeNull();
    expect(exportProblem({ status: 'draft', approvers: ['u1', 'u1'] })).not.toBeNull();
    expect(exportProblem({ status: 'approved', approvers: ['u1', 'u2'] })).toBeNull();
    expect(approvalProblem({ status: 'draft', approvers: ['u1'] }, 'u1')).toMatch(/someone else/);
    expect(approvalProblem({ status: 'draft', approvers: ['u1'] }, 'u2')).toBeNull();
    expect(approvalProblem({ status: 'draft', approvers: [] }, null)).not.toBeNull();
  });
  it('carries only the chosen fields', () => {
    const facts: NoticeFacts = {
      names: ['A'],
      sex: 'M',
      birth: '1990',
      nationalities: ['IRQ'],
      documents: [{ type: 'passport', number: 'A1', issuingCountry: 'IRQ' }],
      escape: null,
      lastSighting: null,
    };
    expect(noticeContent(facts, ['names', 'birth'])).toEqual({ names: ['A'], birth: '1990' });
  });
  it('counts whole days at large', () => {
    expect(daysAtLarge(new Date('2026-02-01T00:00:00Z'), new Date('2026-03-03T12:00:00Z'))).toBe(30);
    expect(daysAtLarge(new Date('2026-03-03T00:00:00Z'), new Date('2026-03-01T00:00:00Z'))).toBe(0);
  });
});
