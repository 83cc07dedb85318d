import type { Actor } from '../../modules/access';
import type { Services } from '../../services';
import { Random } from './scenario.random';
import type { PersonPlan, WorldPlan } from './scenario.world';

/**
 * March 2026 (issue 19): some of the February escapees are stopped at checkpoints on the smuggling routes to Iraq and
 * Türkiye and recaptured, through the sightings module's own service as a checkpoint, an investigator and an officer
 * would use it. **Scenario data**: the replay has no face or fingerprint images, so every check is by the document the
 * person carries and the name on it (a real 1:N over the registry's documents and a real name comparison); nothing
 * is invented for a biometric.
 *  - 2-13 March, one fugitive a day or so: a checkpoint check (detain, or child protection for a child); a few
 *    ordinary travellers (no match) and a mistyped number (retake) around it;
 *  - two to five hours later an investigator confirms (one sighting rejected: a relative's document);
 *  - the next day an officer of the facility the person left records the recapture (RECAPTURED, the sighting as
 *    evidence); children are referred to child protection and not recaptured; the last sighting waits for a decision;
 *  - notices to states drafted: the Iraqi border service about an Iraqi escapee still at large, child protection
 *    about a child; they wait for the sharing decision's two approvals (`approveDemoNotices`, once the demo's users
 *    exist).
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const SIGHTINGS_START = '2026-03-02T00:00:00Z';
const ADULTS = 8;
const CHILDREN = 2;

/** Checkpoints on the routes out of north-east Syria (approximate coordinates, WGS 84). */
export const CHECKPOINTS = [
  { place: 'al-Yaarubiyah / Rabia crossing', latitude: 36.8106, longitude: 42.0858 },
  { place: 'Semalka crossing', latitude: 37.0656, longitude: 42.3722 },
  { place: 'Tal Abyad checkpoint', latitude: 36.6975, longitude: 38.9547 },
  { place: 'Deir ez-Zor bridge checkpoint', latitude: 35.3359, longitude: 40.1408 },
  { place: 'al-Hasakah south checkpoint', latitude: 36.4511, longitude: 40.7512 },
] as const;

const actor = (username: string, role: Actor['role'], facilityIds: string[] = []): Actor => ({
  userId: null,
  username,
  role,
  facilityIds,
  nationalities: [],
  purpose: 'scenario replay',
});
const CHECKPOINT = actor('checkpoint (scenario)', 'checkpoint');
const INVESTIGATOR = actor('investigator (scenario)', 'investigator');

export interface SightingsContext {
  services: Services;
  plan: WorldPlan;
  personId(k: number): string;
  fid(code: string): string;
  /** Persons recorded ESCAPED in February and still escaped (the replay's mirror). */
  fugitives(): number[];
  at(t: number, run: () => Promise<void>): void;
  log(t: number, text: string): void;
  /** The mirror: the person is back in custody at this facility. */
  recaptured(k: number, at: number, facility: string): void;
}

/** The document a person shows at a checkpoint (an identity document before a camp card), if the number is usable. */
function shownDocument(p: PersonPlan): string | null {
  const docs = (p.input.documents ?? []).filter((d) => /^[A-Za-z0-9 -]+$/.test(d.number) && /\d/.test(d.number));
  const doc = docs.find((d) => d.type !== 'camp_card') ?? docs[0];
  return doc ? doc.number : null;
}

/** The Latin name on the ID as the checkpoint officer types it: another recorder's spelling than the registry's. */
function nameOnId(p: PersonPlan): string | undefined {
  const latin = p.input.names.filter((n) => n.script === 'latin' && (n.kind ?? 'spelling') !== 'kunya');
  return (latin[latin.length - 1] ?? latin[0])?.full;
}

/** Typed the way an officer does: lower case, a space in the middle. */
const typed = (n: string) => `${n.slice(0, 3)} ${n.slice(3)}`.toLowerCase();

export function planSightings(ctx: SightingsContext, seed: number): void {
  const random = new Random(`sightings:${seed}`);
  const start = Date.parse(SIGHTINGS_START) + 6 * HOUR;
  ctx.at(start, async () => {
    const { services } = ctx;
    const byKey = (k: number) => ctx.plan.persons[k]!;
    const withDocument = ctx.fugitives().filter((k) => shownDocument(byKey(k)) !== null && nameOnId(byKey(k)) !== undefined);
    const adults = random.shuffle(withDocument.filter((k) => !byKey(k).minor)).slice(0, ADULTS);
    const children = random.shuffle(withDocument.filter((k) => byKey(k).minor)).slice(0, CHILDREN);
    const chosen = [...adults, ...children].sort((a, b) => a - b);
    random.shuffle(chosen);
    ctx.log(
      start,
      `Checkpoints on the routes to Iraq and Türkiye check travellers against the wanted gallery (${withDocument.length} February escapees carry a document)`,
    );
    chosen.forEach((k, i) => {
      const p = byKey(k);
      const at = start + i * DAY + random.int(0, 11) * HOUR + random.int(0, 59) * 60_000;
      const checkpoint = random.pick([...CHECKPOINTS]);
      const last = i === chosen.length - 1;
      const rejected = i === 2 && !p.minor;
      const decideAfter = random.int(2, 5) * HOUR;
      const recaptureAfter = random.int(12, 30) * HOUR;
      const travellers = random.int(2, 4);
      ctx.at(at, async () => {
        // Ordinary travellers before: nobody wanted (one mistyped number asks for a retake).
        for (let t = 0; t < travellers; t++) {
          const number = t === 0 && i % 3 === 0 ? '12-34' : `${random.int(10, 99)}${random.int(100000, 999999)}${random.int(100, 999)}`;
          await services.sightings.check(CHECKPOINT, { ...checkpoint, scope: 'wanted', document: { number } });
        }
        await services.dispatcher.idle(['sightings.wanted']);
        const answer = await services.sightings.check(CHECKPOINT, {
          ...checkpoint,
          scope: 'wanted',
          document: { number: typed(shownDocument(p)!), name: nameOnId(p) },
        });
        let sightingId: string | undefined;
        if (answer.instruction === 'detain' || answer.instruction === 'refer_child_protection') {
          const [s] = (await services.sightings.sightings(INVESTIGATOR, { personId: ctx.personId(k), status: 'reported', limit: 1, offset: 0 })).rows;
          sightingId = s?.id;
          ctx.log(
            at,
            `${checkpoint.place}: a ${p.minor ? 'child' : 'February escapee'} stopped by document check (${answer.instruction}, ${answer.reference})`,
          );
        } else {
          // The name on the card did not match well enough: the patrol reports the person to the investigators.
          const s = await services.sightings.report(INVESTIGATOR, {
            personId: ctx.personId(k),
            place: checkpoint.place,
            latitude: checkpoint.latitude,
            longitude: checkpoint.longitude,
            method: 'patrol report',
            note: `document check answered ${answer.outcome} (${answer.reference}); recognised by the patrol`,
          });
          sightingId = s.id;
          ctx.log(at, `${checkpoint.place}: a February escapee reported by a patrol`);
        }
        await services.dispatcher.idle(['alerts.sightings', 'sightings.alerted']);
        if (!sightingId || last) return;
        const decided = at + decideAfter;
        ctx.at(decided, async () => {
          if (rejected) {
            await services.sightings.decide(
              INVESTIGATOR,
              sightingId,
              'rejected',
              'The document belonged to a relative: not the person (interview at the checkpoint)',
            );
            return;
          }
          await services.sightings.decide(INVESTIGATOR, sightingId, 'confirmed', 'Identity checked against the registry record and the interview notes');
          if (p.minor) return; // a child is referred to child protection, not recaptured
          const back = decided + recaptureAfter;
          ctx.at(back, async () => {
            const facilityId = ctx.fid(p.facility);
            await services.sightings.recapture(actor(`officer ${p.facility} (scenario)`, 'officer', [facilityId]), sightingId, {
              facilityId,
              authority: `returned to ${p.facility} after the check at ${checkpoint.place}`,
            });
            ctx.recaptured(k, back, p.facility);
            await services.dispatcher.idle(['sightings.wanted']);
            ctx.log(back, `A February escapee stopped at ${checkpoint.place} is back in ${p.facility} (RECAPTURED, the sighting as evidence)`);
          });
        });
      });
    });
    // Notices to states (drafts: the sharing decision needs two approvals, given once the demo's users exist).
    const notices = start + 3 * DAY;
    ctx.at(notices, async () => {
      const still = ctx.fugitives();
      const iraqi = still.find((k) => !byKey(k).minor && byKey(k).nationality === 'IRQ' && !chosen.includes(k));
      if (iraqi !== undefined) {
        await services.sightings.createNotice(INVESTIGATOR, {
          personId: ctx.personId(iraqi),
          recipient: 'Iraqi border guard command, Rabia sector',
          recipientKind: 'border_service',
          recipientCountry: 'IRQ',
          fields: ['names', 'sex', 'birth', 'nationalities', 'documents', 'escape'],
          legalBasis: 'Bilateral security protocol on escaped detainees and camp residents (scenario)',
        });
      }
      const child = children.find((k) => still.includes(k));
      if (child !== undefined) {
        await services.sightings.createNotice(INVESTIGATOR, {
          personId: ctx.personId(child),
          recipient: 'Child protection unit, al-Hasakah (UNICEF partner)',
          recipientKind: 'child_protection',
          fields: ['names', 'sex', 'birth', 'escape', 'last_sighting'],
          legalBasis: 'Best interests of the child: tracing and family reunification (scenario)',
        });
      }
      ctx.log(notices, 'Investigators draft notices to the Iraqi border service and to child protection (waiting for two approvals)');
    });
  });
}

/**
 * The sharing decision of the scenario's notices, once the demo's users exist: the notice to the border service is
 * approved by two people and exported (signed); the child's waits for its second approval. The first approver drafts
 * notices too (legal).
 */
export async function approveDemoNotices(services: Services, approvers: [Actor, Actor]): Promise<void> {
  const { rows } = await services.sightings.notices(approvers[0], { limit: 100, offset: 0 });
  for (const n of rows.filter((r) => r.status === 'draft')) {
    await services.sightings.approveNotice(approvers[0], n.id);
    if (n.recipientKind === 'child_protection') continue;
    await services.sightings.approveNotice(approvers[1], n.id);
    await services.sightings.exportNotice(approvers[0], n.id);
  }
}
