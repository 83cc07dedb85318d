/**
 * bench/screening: the registry (60,000 persons: the al-Hol scenario's world, topped up from a second seed, plus
 * persons planted from list entries with other spellings) screened against the UN consolidated list and OFAC's SDN
 * list. Prints JSON:
 * - imports: parse + store time of each list, and the screening that each list update runs (adults only: possible
 *   minors are never screened without a request);
 * - rescreen: `screenAll` end to end on the database (page loads, matching, recording), per-person matching p50/p95,
 *   as configured (the main thread alone below 4 cores) and the other way (`rescreenOtherWay`: one worker thread
 *   beside the main thread, or none);
 * - allPersonsEndToEnd: every person (minors included, as an officer's request would) through `screenPersons`, read
 *   by id, matched on the main thread, hits recorded;
 * - matcher: every one of the persons (minors included, in memory) against both lists, from cold (a new index with
 *   an empty memory of part similarities): total and p50/p95 per person, CPU time beside wall time;
 * - brute force: a sample compared with every list name (no blocking, no bound): the hits it finds and how many of
 *   them the blocked search missed (the claim: none), beside the cost ratio;
 * - planted: persons made from list entries (another spelling or the original script, the listed birth year):
 *   how many are hit;
 * - loadAverage1m: the machine's load at each step (other work slows every figure).
 *   npm run bench -- screening [--db pglite|postgres] [--persons 60000] [--sample 100] [--planted 200] [--seed 1]
 *
 * A list update screens the registry against the entries it added or changed only. Each import above screens against
 * its own list's entries (the first import of a list: all of them); `rescreen` is the full re-screen a list update ran
 * before. With `--list-update` the benchmark measures that difference instead of the above: the same registry, the UN
 * release of 2025-11-18 and OFAC imported (and screened), then the UN release of 2026-02-27 imported as the update
 * (4 entries added, 1 removed, 2 changed): its screening against what changed, beside a full re-screen of the same
 * registry right after (which must find no new hit: nothing the update's screening missed).
 *   npm run bench -- screening --list-update [--db pglite|postgres] [--persons 60000] [--planted 200] [--seed 1]
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { systemActor } from '../../src/modules/access';
import { PartSimilarities, preparePerson, WatchlistIndex } from '../../src/modules/screening';
import { benchServices, machine, numberArg, type BenchTarget } from '../lib/db';
import { buildWorld, readLists, readPreviousUn, screenPersonOf } from './world';

const argv = process.argv.slice(2);
const PERSONS = numberArg(argv, '--persons', 60_000);
const SAMPLE = numberArg(argv, '--sample', 100);
const PLANTED = numberArg(argv, '--planted', 200);
const SEED = numberArg(argv, '--seed', 1);
const dbArg = argv.indexOf('--db');
const TARGET = (dbArg >= 0 ? argv[dbArg + 1] : 'pglite') as BenchTarget;
const LIST_UPDATE = argv.includes('--list-update');
const actor = systemActor('benchmark');

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** The machine's load average (1 min) now: other work on the machine slows every figure; it is printed beside them. */
const load1 = () => Math.round(loadavg()[0]! * 100) / 100;
const cpuSince = (c: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(c);
  return r3((u.user + u.system) / 1e6);
};

async function main() {
  const loads: Record<string, number> = { start: load1() };
  const { unXml, ofacFiles } = readLists();
  let t = performance.now();
  const { inputs, planted, random } = buildWorld({ persons: PERSONS, planted: PLANTED, seed: SEED, unXml, ofacFiles });
  const planSeconds = (performance.now() - t) / 1000;

  const { services, close } = await benchServices(TARGET);
  try {
    t = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < inputs.length; i += 2000)
      ids.push(
        ...(await services.registry.createMany(
          actor,
          inputs.slice(i, i + 2000).map((x) => x.input),
        )),
      );
    await services.settle(); // no list yet: enrolment screening finds nothing to screen against
    const enrolSeconds = (performance.now() - t) / 1000;
    loads.afterEnrol = load1();

    // --- list updates: each import screens the registry (adults) against its entries (the first import: all) -------
    t = performance.now();
    const unImport = await services.screening.importList(actor, { format: 'un-consolidated', content: unXml, fileName: 'UN_consolidated.xml' });
    const unImportSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    await services.settle();
    const unScreenSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const ofacImport = await services.screening.importList(actor, { format: 'ofac-sdn', content: ofacFiles, fileName: 'sdn.csv' });
    const ofacImportSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    await services.settle();
    const bothScreenSeconds = (performance.now() - t) / 1000;

    loads.afterImports = load1();

    // --- re-screen end to end (what a list update runs), with per-person matching times: as configured (the main
    // thread alone below 4 cores), then the other way (one worker beside the main thread, or none) ------------------
    const perPerson: number[] = [];
    const stats = { blocked: 0, compared: 0 };
    const phases = { load: 0, match: 0, record: 0, workers: 0 };
    let cpuAt = process.cpuUsage();
    t = performance.now();
    const rescreen = await services.screening.screenAll('bench', { onPerson: (ms) => perPerson.push(ms), stats, phases });
    const rescreenSeconds = (performance.now() - t) / 1000;
    const rescreenCpu = cpuSince(cpuAt);
    perPerson.sort((a, b) => a - b);
    loads.afterRescreen = load1();
    const phasesOne = { load: 0, match: 0, record: 0, workers: 0 };
    const otherWorkers = phases.workers > 0 ? 0 : 1;
    cpuAt = process.cpuUsage();
    t = performance.now();
    const rescreenOne = await services.screening.screenAll('bench:other-way', { workers: otherWorkers, phases: phasesOne });
    const rescreenOneSeconds = (performance.now() - t) / 1000;
    const rescreenOneCpu = cpuSince(cpuAt);
    loads.afterRescreenOtherWay = load1();

    // --- every one of the 60,000 through the service (minors included, as an officer's request would), on the main
    // thread: read by id, matched, hits recorded ---------------------------------------------------------------------
    const allTimes: number[] = [];
    const phasesAll = { load: 0, match: 0, record: 0, workers: 0 };
    const all = { screened: 0, candidates: 0, newHits: 0 };
    cpuAt = process.cpuUsage();
    t = performance.now();
    for (let i = 0; i < ids.length; i += 2000) {
      const r = await services.screening.screenPersons(ids.slice(i, i + 2000), 'bench:all', {
        includeMinors: true,
        phases: phasesAll,
        onPerson: (ms) => allTimes.push(ms),
      });
      all.screened += r.screened;
      all.candidates += r.candidates;
      all.newHits += r.newHits;
    }
    const allSeconds = (performance.now() - t) / 1000;
    const allCpu = cpuSince(cpuAt);
    allTimes.sort((a, b) => a - b);
    loads.afterAllPersons = load1();

    // --- the matcher alone, every person (minors included), in memory, from cold: its own index with an empty
    // memory of part similarities (the runs above shared one) ------------------------------------------------------
    const served = await services.screening.currentIndex();
    t = performance.now();
    const index = new WatchlistIndex(served.entries, new PartSimilarities());
    const indexSeconds = (performance.now() - t) / 1000;
    const now = services.clock.now();
    const people = inputs.map((x, i) => screenPersonOf(ids[i]!, x.input, now));
    const times: number[] = [];
    const cpu0 = process.cpuUsage();
    t = performance.now();
    let matcherHits = 0;
    const hitsOf: Set<string>[] = [];
    for (const p of people) {
      const t0 = performance.now();
      const found = index.search(preparePerson(p));
      times.push(performance.now() - t0);
      matcherHits += found.length;
      hitsOf.push(new Set(found.map((c) => c.entry.id)));
    }
    const matcherSeconds = (performance.now() - t) / 1000;
    const cpu = process.cpuUsage(cpu0);
    times.sort((a, b) => a - b);
    loads.afterMatcher = load1();

    // --- planted persons: hit? ------------------------------------------------------------------------------------
    const refOfEntry = new Map(index.entries.map((e) => [e.id, e.entry.ref]));
    let plantedHit = 0;
    const plantedMissed: { name: string; ref: string }[] = [];
    inputs.forEach((x, i) => {
      if (!x.planted) return;
      const refs = new Set([...hitsOf[i]!].map((id) => refOfEntry.get(id)));
      if (refs.has(x.planted)) plantedHit++;
      else if (plantedMissed.length < 10) plantedMissed.push({ name: x.input.names[0]!.full, ref: x.planted });
    });

    // --- brute force on a sample: half planted (where hits are), half drawn from everyone ------------------------
    const plantedIdx = inputs.map((x, i) => (x.planted ? i : -1)).filter((i) => i >= 0);
    const sample = new Set<number>();
    for (const i of plantedIdx.sort(() => random() - 0.5).slice(0, Math.floor(SAMPLE / 2))) sample.add(i);
    while (sample.size < Math.min(SAMPLE, people.length)) sample.add(Math.floor(random() * people.length));
    let bruteHits = 0;
    let missed = 0;
    const missedPairs: { person: string; entry: string }[] = [];
    let bruteMs = 0;
    let blockedMs = 0;
    for (const i of sample) {
      const pp = preparePerson(people[i]!);
      let t0 = performance.now();
      const blocked = new Set(index.search(pp).map((c) => c.entry.id));
      blockedMs += performance.now() - t0;
      t0 = performance.now();
      const exhaustive = index.search(pp, { exhaustive: true });
      bruteMs += performance.now() - t0;
      bruteHits += exhaustive.length;
      for (const c of exhaustive) {
        if (!blocked.has(c.entry.id)) {
          missed++;
          if (missedPairs.length < 10) missedPairs.push({ person: people[i]!.names[0]!, entry: c.evidence.name?.entryName ?? c.entry.entry.ref });
        }
      }
    }

    loads.end = load1();
    const pending = await services.screening.hits(actor, { status: 'pending', limit: 500, offset: 0 });
    const result = {
      benchmark: 'screening',
      target: TARGET,
      machine: { ...machine(), cpus: cpus().length, cpu: cpus()[0]?.model },
      loadAverage1m: loads,
      persons: people.length,
      planted: planted.length,
      possibleMinorsSkipped: rescreen.skippedMinors,
      lists: {
        un: { entries: unImport.stats.entries, individuals: unImport.stats.individuals },
        ofac: { entries: ofacImport.stats.entries, individuals: ofacImport.stats.individuals },
        indexedNames: index.nameCount,
      },
      seconds: {
        plan: r3(planSeconds),
        enrol: r3(enrolSeconds),
        unImport: r3(unImportSeconds),
        unListUpdateScreening: r3(unScreenSeconds),
        ofacImport: r3(ofacImportSeconds),
        // before list updates screened against what changed, this screened against both lists
        ofacListUpdateScreening: r3(bothScreenSeconds),
        rescreenAllEndToEnd: r3(rescreenSeconds),
        indexBuild: r3(indexSeconds),
      },
      rescreen: {
        ...rescreen,
        cpuSeconds: rescreenCpu,
        workers: phases.workers,
        phasesSeconds: { load: r3(phases.load), match: r3(phases.match), record: r3(phases.record) },
        perPersonMs: { p50: r3(quantile(perPerson, 0.5)), p95: r3(quantile(perPerson, 0.95)), max: r3(perPerson[perPerson.length - 1] ?? 0) },
        blockedNamesPerPerson: r3(stats.blocked / Math.max(1, rescreen.screened)),
        comparedNamesPerPerson: r3(stats.compared / Math.max(1, rescreen.screened)),
      },
      rescreenOtherWay: {
        workers: phasesOne.workers,
        seconds: r3(rescreenOneSeconds),
        cpuSeconds: rescreenOneCpu,
        screened: rescreenOne.screened,
        candidates: rescreenOne.candidates,
        phasesSeconds: { load: r3(phasesOne.load), match: r3(phasesOne.match), record: r3(phasesOne.record) },
      },
      allPersonsEndToEnd: {
        ...all,
        seconds: r3(allSeconds),
        cpuSeconds: allCpu,
        phasesSeconds: { load: r3(phasesAll.load), match: r3(phasesAll.match), record: r3(phasesAll.record) },
        perPersonMs: {
          p50: r3(quantile(allTimes, 0.5)),
          p95: r3(quantile(allTimes, 0.95)),
          p99: r3(quantile(allTimes, 0.99)),
          max: r3(allTimes[allTimes.length - 1] ?? 0),
        },
      },
      matcherAllPersons: {
        persons: people.length,
        totalSeconds: r3(matcherSeconds),
        cpuSeconds: r3((cpu.user + cpu.system) / 1e6),
        perPersonMs: { p50: r3(quantile(times, 0.5)), p95: r3(quantile(times, 0.95)), p99: r3(quantile(times, 0.99)), max: r3(times[times.length - 1] ?? 0) },
        candidatePairs: matcherHits,
      },
      plantedHits: { hit: plantedHit, of: planted.length, missedExamples: plantedMissed },
      bruteForce: {
        sample: sample.size,
        hits: bruteHits,
        missedByBlocking: missed,
        missedExamples: missedPairs,
        msPerPerson: { bruteForce: r3(bruteMs / sample.size), blocked: r3(blockedMs / sample.size) },
        speedup: r3(bruteMs / Math.max(1e-9, blockedMs)),
      },
      pendingHitsAfterRun: pending.length >= 500 ? '500+' : pending.length,
      targets: { totalSeconds: 30, p95Ms: 20 },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await close();
  }
}

/**
 * `--list-update`: a list update's screening (against the entries it added or changed) beside the full re-screen that
 * a list update ran before, on the same registry and lists.
 */
async function listUpdate() {
  const loads: Record<string, number> = { start: load1() };
  const { unXml, ofacFiles } = readLists();
  const previousUnXml = readPreviousUn();
  const { inputs, planted } = buildWorld({ persons: PERSONS, planted: PLANTED, seed: SEED, unXml, ofacFiles });
  const { services, close } = await benchServices(TARGET);
  const lastRun = async () => (await services.audit.list(actor, { action: 'screening.run', limit: 1 }))[0]?.details as Record<string, unknown>;
  try {
    let t = performance.now();
    for (let i = 0; i < inputs.length; i += 2000)
      await services.registry.createMany(
        actor,
        inputs.slice(i, i + 2000).map((x) => x.input),
      );
    await services.settle();
    const enrolSeconds = (performance.now() - t) / 1000;
    loads.afterEnrol = load1();

    // the lists as they were before the update, the registry screened against them
    t = performance.now();
    await services.screening.importList(actor, { format: 'un-consolidated', content: previousUnXml, fileName: 'un_consolidated-2025-11-18.xml' });
    await services.screening.importList(actor, { format: 'ofac-sdn', content: ofacFiles, fileName: 'sdn.csv' });
    await services.settle();
    const firstImportsSeconds = (performance.now() - t) / 1000;
    loads.afterFirstImports = load1();

    // the update: the next UN release; its screening runs after the import commits (idle waits for it)
    let cpuAt = process.cpuUsage();
    t = performance.now();
    const update = await services.screening.importList(actor, { format: 'un-consolidated', content: unXml, fileName: 'UN_consolidated-2026-02-27.xml' });
    const updateImportSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    await services.settle();
    const updateScreenSeconds = (performance.now() - t) / 1000;
    const updateCpu = cpuSince(cpuAt);
    const updateRun = await lastRun();
    loads.afterUpdate = load1();

    // what a list update ran before: every adult against every entry of both lists (the index is built already)
    const phases = { load: 0, match: 0, record: 0, workers: 0 };
    cpuAt = process.cpuUsage();
    t = performance.now();
    const full = await services.screening.screenAll('bench:full', { phases });
    const fullSeconds = (performance.now() - t) / 1000;
    const fullCpu = cpuSince(cpuAt);
    loads.end = load1();

    const result = {
      benchmark: 'screening --list-update',
      target: TARGET,
      machine: { ...machine(), cpus: cpus().length, cpu: cpus()[0]?.model },
      loadAverage1m: loads,
      persons: inputs.length,
      planted: planted.length,
      seconds: { enrol: r3(enrolSeconds), previousUnAndOfacImportedAndScreened: r3(firstImportsSeconds) },
      update: {
        diff: update.diff,
        importSeconds: r3(updateImportSeconds),
        screeningSeconds: r3(updateScreenSeconds),
        screeningCpuSeconds: updateCpu,
        run: updateRun,
      },
      fullRescreen: {
        seconds: r3(fullSeconds),
        cpuSeconds: fullCpu,
        phasesSeconds: { load: r3(phases.load), match: r3(phases.match), record: r3(phases.record) },
        ...full,
      },
      // the full re-screen right after the update's screening raises nothing new: the update missed no hit
      missedByUpdate: full.newHits + full.refreshedHits,
      speedup: r3(fullSeconds / Math.max(1e-9, updateScreenSeconds)),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await close();
  }
}

await (LIST_UPDATE ? listUpdate() : main());
