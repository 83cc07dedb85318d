import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../platform/clock';
import { CreatePersonBody, detectScript, normaliseBirth } from '../../modules/registry';
import { NameBook, arabicName, latinName, namesFor, RECORDERS } from './scenario.names';
import { Random, seededIds } from './scenario.random';
import { FACILITIES, FULL, planWorld, type WorldPlan } from './scenario.world';
import { parseUntil } from './scenario.replay';

const small = planWorld({ scale: 'small', seed: 1 });
const full = planWorld({ scale: 'full', seed: 1 });

function count<T>(list: T[], f: (x: T) => boolean): number {
  return list.reduce((n, x) => n + (f(x) ? 1 : 0), 0);
}

function detaineesBy(plan: WorldPlan): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of plan.persons) if (p.group === 'detainee') out[p.nationality] = (out[p.nationality] ?? 0) + 1;
  return out;
}

describe('random and ids', () => {
  it('gives the same sequence for the same seed, another for another seed', () => {
    const a = new Random(7);
    const b = new Random(7);
    const c = new Random(8);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
    expect(sa.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('makes valid, unique, time-ordered UUIDv7s from the fake clock, the same for the same seed', () => {
    const clock = new FakeClock('2026-01-20T07:00:00Z');
    const ids = seededIds(clock, 3);
    const list: string[] = [];
    for (let i = 0; i < 5000; i++) {
      if (i % 100 === 0) clock.advance(1);
      list.push(ids.next());
    }
    expect(new Set(list).size).toBe(list.length);
    for (const id of list) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...list].sort()).toEqual(list);
    expect(parseInt(list[0]!.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.parse('2026-01-20T07:00:00.001Z'));
    const again = seededIds(new FakeClock('2026-01-20T07:00:00.001Z'), 3);
    expect(again.next()).toBe(list[0]);
  });
});

describe('the world plan', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(JSON.stringify(planWorld({ scale: 'small', seed: 1 }))).toBe(JSON.stringify(small));
    expect(JSON.stringify(planWorld({ scale: 'small', seed: 2 }).persons.slice(0, 50))).not.toBe(JSON.stringify(small.persons.slice(0, 50)));
  });

  it('has every facility of the scenario, with real coordinates and unit trees', () => {
    expect(small.facilities.map((f) => f.code)).toEqual(FACILITIES.map((f) => f.code));
    const kinds = new Set(small.facilities.map((f) => f.kind));
    for (const k of ['camp', 'prison', 'receiving_authority', 'hospital', 'court']) expect(kinds).toContain(k);
    const hol = small.facilities.find((f) => f.code === 'HOL')!;
    expect(hol.location!.latitude).toBeCloseTo(36.37, 1);
    expect(hol.units.filter((u) => u.kind === 'phase')).toHaveLength(8);
    expect(hol.units.find((u) => u.code === 'ANX')?.kind).toBe('annex');
    for (const f of small.facilities) for (const u of f.units) if (u.parent) expect(f.units.some((p) => p.code === u.parent)).toBe(true);
  });

  it('has the figures of the articles at full scale', () => {
    const at = (code: string) => count(full.persons, (p) => p.facility === code);
    expect(at('HOL')).toBeGreaterThan(42_500);
    expect(at('HOL')).toBeLessThan(43_600);
    expect(count(full.persons, (p) => p.facility === 'HOL' && p.nationality === 'IRQ')).toBeGreaterThan(17_800);
    expect(count(full.persons, (p) => p.facility === 'HOL' && p.nationality === 'IRQ')).toBeLessThan(18_400);
    expect(at('ROJ')).toBeGreaterThan(2_500);
    expect(at('GHW')).toBe(FULL.prisons.GHW);
    expect(at('SHD')).toBe(1_500);
    expect(at('AQT')).toBe(2_000);
    const nat = detaineesBy(full);
    expect({ FRA: nat.FRA, NLD: nat.NLD, DEU: nat.DEU, BEL: nat.BEL, GBR: nat.GBR }).toEqual({ FRA: 450, NLD: 90, DEU: 77, BEL: 55, GBR: 27 });
    expect(count(full.persons, (p) => !!p.highRisk)).toBe(5_850);
    const holPeople = full.persons.filter((p) => p.facility === 'HOL');
    expect(count(holPeople, (p) => p.minor) / holPeople.length).toBeGreaterThan(0.5);
  });

  it('keeps the structure and proportions at small scale (~2,000 people)', () => {
    expect(small.persons.length).toBeGreaterThan(1_900);
    expect(small.persons.length).toBeLessThan(2_150);
    const hol = small.persons.filter((p) => p.facility === 'HOL');
    expect(count(hol, (p) => p.minor) / hol.length).toBeGreaterThan(0.5);
    expect(count(hol, (p) => p.nationality === 'IRQ') / hol.length).toBeCloseTo(18_000 / 43_000, 1);
    const nat = detaineesBy(small);
    for (const c of ['FRA', 'NLD', 'DEU', 'BEL', 'GBR']) expect(nat[c]).toBeGreaterThanOrEqual(1);
    expect(nat.FRA).toBeGreaterThan(nat.NLD!);
    for (const code of ['HOL', 'ROJ', 'GHW', 'SHD', 'AQT']) expect(count(small.persons, (p) => p.facility === code)).toBeGreaterThan(0);
  });

  it('puts every minor of a household with a woman who is its mother, born at least 15 years earlier', () => {
    for (const h of small.households) {
      const members = h.members.map((k) => small.persons[k]!);
      const children = members.filter((p) => p.group === 'camp_child');
      for (const c of children) {
        const mother = small.persons[c.relations.find((r) => r.kind === 'mother_of')!.to]!;
        expect(mother.input.sex).toBe('F');
        expect(mother.household).toBe(h.key);
        if (!c.input.birthDate || !mother.input.birthDate) continue;
        const year = (p: typeof c) => Number(p.input.birthDate!.slice(0, 4));
        expect(year(c) - year(mother)).toBeGreaterThanOrEqual(15);
      }
    }
  });

  it('generates only persons that pass the registry validation (small and full)', () => {
    const today = new Date('2026-01-01T00:00:00Z');
    for (const plan of [small, full]) {
      for (const p of plan.persons) {
        const input = { ...p.input, facilityId: '0190a000-0000-7000-8000-000000000001' };
        const parsed = CreatePersonBody.safeParse(input);
        if (!parsed.success) throw new Error(`person ${p.key}: ${parsed.error.message}`);
        expect(() => normaliseBirth(parsed.data, today)).not.toThrow();
        expect(p.admittedAt <= '2026-01-01').toBe(true);
        if (p.input.birthDate) expect(p.admittedAt >= p.input.birthDate.slice(0, 4)).toBe(true);
      }
    }
  });

  it('gives every person a name in Arabic script and at least two different Latin spellings', () => {
    for (const p of small.persons) {
      const names = p.input.names;
      expect(names.some((n) => detectScript(n.full) === 'arabic')).toBe(true);
      const latin = new Set(names.filter((n) => detectScript(n.full) === 'latin' && n.kind !== 'kunya' && n.kind !== 'laqab').map((n) => n.full));
      expect(latin.size).toBeGreaterThanOrEqual(2);
      expect(names[0]!.kind).toBe('primary');
    }
    const births = new Set(small.persons.map((p) => (p.input.birthDate === undefined ? 'unknown' : (p.input.birthPrecision ?? p.input.birthDate.length))));
    for (const k of [4, 7, 10, 'approximate']) expect(births).toContain(k);
    expect(count(small.persons, (p) => (p.input.documents ?? []).length > 0)).toBeGreaterThan(small.persons.length / 2);
  });
});

describe('names', () => {
  const book = new NameBook();

  it('renders the full Arabic structure: ism, nasab with bin/bint, nisba; kunya and laqab as parts', () => {
    const r = new Random(5);
    const spec = book.spec(r, { sex: 'F', region: 'syrian', kunya: book.byArabic('عمر'), laqab: undefined });
    spec.given = book.byArabic('فاطمة')!;
    spec.father = book.byArabic('أحمد')!;
    spec.fatherAbd = false;
    spec.grandfather = book.byArabic('علي')!;
    spec.family = book.byArabic('بغدادي')!;
    const ar = arabicName(spec);
    expect(ar.full).toBe('فاطمة بنت أحمد بن علي البغدادي');
    expect(ar.parts).toMatchObject({ given: 'فاطمة', father: 'أحمد', grandfather: 'علي', family: 'البغدادي', kunya: 'أم عمر' });
    const iraqi = arabicName({ ...spec, sex: 'M', given: book.byArabic('رحمن')!, abd: true, region: 'iraqi' });
    expect(iraqi.full).toBe('عبد الرحمن أحمد علي البغدادي');
  });

  it('spells the same name differently per recorder, with spellings from the data', () => {
    const r = new Random(9);
    const spec = book.spec(r, { sex: 'M', region: 'iraqi' });
    spec.given = book.byArabic('رحمن')!;
    spec.abd = true;
    spec.family = book.byArabic('بغدادي')!;
    const formal = latinName(spec, RECORDERS.unStyle!, r).full;
    const french = latinName(spec, RECORDERS.frenchFile!, r).full;
    expect(formal).toMatch(/^Abd al-Rahman bin .* al-Baghdadi$/);
    expect(french).toMatch(/^EL B\w+ Abderr[ae]h?man/);
    const names = namesFor(spec, [RECORDERS.campRegistry!, RECORDERS.iraqiId!, RECORDERS.ngoInterview!], 3, r);
    expect(new Set(names.filter((n) => n.script === 'latin').map((n) => n.full)).size).toBe(3);
    const spellings = book.byArabic('محمد')!.spellings.map((s) => s[0]);
    expect(spellings.slice(0, 3)).toEqual(['mohammed', 'muhammad', 'mohammad']);
    expect(spellings).not.toContain('morocco');
  });
});

describe('until', () => {
  it('reads a date as the end of that day, an instant as is', () => {
    expect(parseUntil('2026-01-21').toISOString()).toBe('2026-01-22T00:00:00.000Z');
    expect(parseUntil('2026-01-20T17:00:00Z').toISOString()).toBe('2026-01-20T17:00:00.000Z');
    expect(() => parseUntil('soon')).toThrow(/not a date/);
  });
});
