import type { Actor } from '../../modules/access';
import { placementSummaries } from '../../modules/custody';
import type { Services } from '../../services';
import type { SeededWorld } from './scenario.seed';

/**
 * Walked out in the collapse: `unaccounted` from the roll call that missed them (the default demo ends there, 26
 * January), `escaped` once declared so (a longer replay).
 */
const GONE = new Set(['unaccounted', 'escaped']);

/** How many tracing requests the demo world opens of each kind. */
const FROM_CHILDREN = 4;
const FROM_OUTSIDE = 3;

/**
 * Family tracing in the demo world (issue 23 part C), after the replay: children of al-Hol whose mother escaped while
 * they stayed (the separated children the figure counts) ask, through a child-protection worker, for their mother;
 * relatives outside ask for escaped women. Every request carries who consented. Returns how many were opened.
 */
export async function seedFamilyTracing(services: Services, world: SeededWorld, actor: Actor): Promise<number> {
  const { plan, personIds } = world;
  const hol = world.facilityIds.get('HOL');
  if (!hol) return 0;
  const children = plan.persons.filter((p) => p.group === 'camp_child' && p.facility === 'HOL' && p.relations.some((r) => r.kind === 'mother_of'));
  if (children.length === 0) return 0;
  const motherKey = new Map(children.map((c) => [c.key, c.relations.find((r) => r.kind === 'mother_of')!.to]));
  const ids = [...new Set(children.flatMap((c) => [personIds[c.key]!, personIds[motherKey.get(c.key)!]!]))];
  const places = await placementSummaries(services.database.db, ids);
  const status = new Map([...places].map(([id, p]) => [id, p.status]));
  const nameOf = (key: number) => plan.persons[key]!.input.names[0]!.full;

  let opened = 0;
  const askedFor = new Set<number>();
  for (const c of children) {
    if (opened >= FROM_CHILDREN) break;
    const m = motherKey.get(c.key)!;
    if (askedFor.has(m) || status.get(personIds[c.key]!) !== 'in_custody' || !GONE.has(status.get(personIds[m]!) ?? '')) continue;
    askedFor.add(m);
    await services.families.createTracing(actor, {
      requesterKind: 'person_in_custody',
      requesterPersonId: personIds[c.key]!,
      soughtName: nameOf(m),
      relationship: 'mother',
      details: 'Left al-Hol in the January collapse; the child stayed in the camp',
      consent: { givenBy: 'al-Hol child-protection worker, as interim guardian' },
    });
    opened += 1;
  }
  const escapedWomen = plan.persons.filter(
    (p) => p.group === 'camp_adult' && p.facility === 'HOL' && p.input.sex === 'F' && !askedFor.has(p.key) && GONE.has(status.get(personIds[p.key]!) ?? ''),
  );
  for (const w of escapedWomen.slice(0, FROM_OUTSIDE)) {
    await services.families.createTracing(actor, {
      requesterKind: 'relative_outside',
      requesterName: 'A brother in Mosul (via the ICRC office)',
      soughtName: nameOf(w.key),
      relationship: 'sister',
      facilityId: hol,
      consent: { givenBy: 'the brother, in person at the ICRC office' },
    });
    opened += 1;
  }
  return opened;
}
