/**
 * bench/screening-queue: what the screening officer meets. The demo population (`planWorld`, the world `custos demo`
 * seeds) plus persons planted from list individuals as another recorder would write them (`plant.ts`), enrolled
 * through the registry after the UN consolidated list and OFAC's SDN list are imported, so that enrolment screening
 * fills the review queue exactly as it does for users (adults only; possible minors wait for a request). Reads the
 * queue (pending hits) and prints JSON: its precision (cards whose entry is the planted person's own individual),
 * the recall of the planted persons (planted persons with such a card), the false cards per 1,000 adults screened,
 * and examples of both kinds of error.
 *
 * Tune on one half of the lists' individuals, report on the other (halves by a hash of the list reference):
 *   npm run bench -- screening-queue [--half tune|report] [--planted 60] [--seed 1] [--demo-seed 1] [--scale small|full]
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { planWorld } from '../../src/demo/scenario';
import { systemActor } from '../../src/modules/access';
import { normaliseBirth, possiblyMinor, type CreatePersonInput } from '../../src/modules/registry';
import { compareNames } from '../../src/modules/names';
import type { WatchEntry } from '../../src/modules/screening';
import { benchServices, machine, numberArg, type BenchTarget } from '../lib/db';
import { readLists, rng } from '../screening/world';
import { plantMany } from './plant';
import { cardIsTrue, queueFigures } from './score';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1]! : fallback;
};
const HALF = arg('--half', 'report') as 'tune' | 'report';
const PLANTED = numberArg(argv, '--planted', 60);
const SEED = numberArg(argv, '--seed', HALF === 'tune' ? 1 : 2);
const DEMO_SEED = numberArg(argv, '--demo-seed', 1);
const SCALE = arg('--scale', 'small') as 'small' | 'full';
const TARGET = arg('--db', 'pglite') as BenchTarget;
const actor = systemActor('benchmark');

async function main() {
  const load = [loadavg()[0]!];
  const started = performance.now();
  const { unXml, ofacFiles } = readLists();
  const { parseOfacSdn, parseUnConsolidated } = await import('../../src/modules/screening');
  const un = parseUnConsolidated(unXml);
  const ofac = parseOfacSdn(ofacFiles);
  const byKey = new Map<string, WatchEntry>();
  for (const e of un.entries) byKey.set(`un-consolidated:${e.ref}`, e);
  for (const e of ofac.entries) byKey.set(`ofac-sdn:${e.ref}`, e);

  const random = rng(SEED * 104_729 + (HALF === 'tune' ? 0 : 7));
  // both lists' individuals, planted from the chosen half only (a person listed by both is planted from either)
  const unRefs = new Set(un.entries.map((e) => e.ref));
  const planted = plantMany([...un.entries, ...ofac.entries], HALF, PLANTED, random).map((p) => ({
    ...p,
    source: unRefs.has(p.ref) ? 'un-consolidated' : 'ofac-sdn',
  }));
  const demo = planWorld({ scale: SCALE, seed: DEMO_SEED }).persons.map((p) => p.input as CreatePersonInput);

  const { services, close } = await benchServices(TARGET);
  try {
    // the lists first, as in the field: persons are enrolled against lists already there
    await services.screening.importList(actor, { format: 'un-consolidated', content: unXml, fileName: 'UN_consolidated.xml' });
    await services.screening.importList(actor, { format: 'ofac-sdn', content: ofacFiles, fileName: 'sdn.csv' });
    await services.settle();
    const inputs = [...demo, ...planted.map((p) => p.input)];
    const ids: string[] = [];
    for (let i = 0; i < inputs.length; i += 1000) ids.push(...(await services.registry.createMany(actor, inputs.slice(i, i + 1000))));
    await services.settle(); // enrolment screening
    load.push(loadavg()[0]!);
    const plantedOf = new Map<string, { ref: string; source: string; how: string; name: string }>();
    planted.forEach((p, i) => plantedOf.set(ids[demo.length + i]!, { ref: p.ref, source: p.source, how: p.how, name: p.input.names[0]!.full }));

    const cards: { personId: string; entryKey: string; strength: number; personName: string | null; entryName: string; notes: string[] }[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = await services.screening.hits(actor, { status: 'pending', limit: 500, offset });
      for (const h of page)
        cards.push({
          personId: h.personId,
          entryKey: `${h.entry.source}:${h.entry.ref}`,
          strength: h.evidence.strength,
          personName: h.evidence.name?.personName ?? h.personName,
          entryName: h.evidence.name?.entryName ?? h.entry.name,
          notes: (h.evidence as { notes?: string[] }).notes ?? [],
        });
      if (page.length < 500) break;
    }
    // enrolment screening skips possible minors (an unknown or recent birth): the adults are those it screened
    const now = services.clock.now();
    const adultsScreened = inputs.filter((x) => !possiblyMinor(normaliseBirth(x, now), now)).length;

    const judged = cards.map((c) => {
      const p = plantedOf.get(c.personId);
      const truth = p ? cardIsTrue(byKey.get(`${p.source}:${p.ref}`)!, byKey.get(c.entryKey)!, compareNames) : false;
      return { ...c, planted: p ?? null, truth };
    });
    const figures = queueFigures(
      judged.map((c) => ({ personId: c.personId, truth: c.truth })),
      [...plantedOf.keys()],
    );
    const foundPersons = new Set(judged.filter((c) => c.truth).map((c) => c.personId));
    const result = {
      benchmark: 'screening-queue',
      target: TARGET,
      machine: { ...machine(), cpus: cpus().length },
      loadAverage1m: load.map((x) => Math.round(x * 100) / 100),
      half: HALF,
      seed: SEED,
      demo: { scale: SCALE, seed: DEMO_SEED, persons: demo.length },
      planted: planted.length,
      adultsScreenedAtEnrolment: adultsScreened,
      ...figures,
      falseCardsPer1000Adults: Math.round((figures.falseCards / Math.max(1, adultsScreened)) * 1000 * 100) / 100,
      falseCardsOnDemoPersons: judged.filter((c) => !c.truth && !c.planted).length,
      falseCardsOnPlantedPersons: judged.filter((c) => !c.truth && c.planted).length,
      missed: [...plantedOf.entries()].filter(([id]) => !foundPersons.has(id)).map(([, p]) => `${p.name} (${p.source} ${p.ref}; ${p.how})`),
      falseCardExamples: judged
        .filter((c) => !c.truth)
        .sort((a, b) => b.strength - a.strength)
        .slice(0, 25)
        .map((c) => `${c.strength} ${c.personName} ~ ${c.entryName} (${c.entryKey})${c.notes.length ? ` [${c.notes.join('; ')}]` : ''}`),
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await close();
  }
}

await main();
