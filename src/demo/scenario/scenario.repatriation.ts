import type { Actor } from '../../modules/access';
import type { RepatriationStage } from '../../modules/cases';
import type { Services } from '../../services';
import { Random } from './scenario.random';
import type { WorldPlan } from './scenario.world';

/**
 * Repatriation in the demo world (issue 23, part B). **Scenario data**, through the cases module's own service:
 *  - on the first morning of the timeline, the requests already under way with the states are taken over from the
 *    case file: about three in ten of the foreign nationals held (neither Syrian nor Iraqi), most to France, each at
 *    a stage reached some days or months ago, so that the stages whose deadline has passed show as overdue (the
 *    stasis the articles describe); a child's accepted request carries its evidence (a DNA case number);
 *  - the Iraqi phased return (8 January) is a convoy: Iraq's list of accepted nationals becomes their requests, and
 *    the handover records REPATRIATED with the request as evidence (the ledger refuses it otherwise).
 */

const DAY = 24 * 3600_000;
const MAX_REQUESTS = 400;
/** Share of the stages among the requests under way (the rest of the draw is refused or withdrawn). */
const STAGE_SHARES: [RepatriationStage, number][] = [
  ['requested', 0.34],
  ['consular_interview', 0.26],
  ['accepted', 0.14],
  ['travel_documents', 0.08],
  ['refused', 0.11],
  ['withdrawn', 0.07],
];
const REASONS: Partial<Record<RepatriationStage, string[]>> = {
  refused: ['The state contests the nationality', 'The state declines to take back adults suspected of membership', 'No consular relations for now'],
  withdrawn: ['The person asked not to return', 'Prosecution in Iraq first', 'Family reunification elsewhere'],
};

export interface RepatriationContext {
  services: Services;
  plan: WorldPlan;
  actor: Actor;
  personId(k: number): string;
  /** Still held now, by the replay's mirror. */
  held(k: number): boolean;
  log(t: number, text: string): void;
}

/** The requests under way with the states, taken over at `at` (the timeline's first morning). */
export async function importRequestsUnderWay(ctx: RepatriationContext, at: number, seed: number): Promise<number> {
  const random = new Random(`repatriation:${seed}`);
  const eligible = ctx.plan.persons.filter((p) => p.nationality !== 'SYR' && p.nationality !== 'IRQ' && ctx.held(p.key));
  const chosen = random.shuffle([...eligible]).slice(0, Math.min(MAX_REQUESTS, Math.max(12, Math.round(eligible.length * 0.3))));
  const rows = chosen.map((p) => {
    let draw = random.next();
    let stage: RepatriationStage = 'requested';
    for (const [s, share] of STAGE_SHARES) {
      if (draw < share) {
        stage = s;
        break;
      }
      draw -= share;
    }
    const openedAt = new Date(at - random.int(20, 420) * DAY);
    const sinceDays = Math.min(random.int(0, 75), Math.floor((at - openedAt.getTime()) / DAY));
    const stageSince = stage === 'requested' ? openedAt : new Date(at - sinceDays * DAY);
    const accepted = stage === 'accepted' || stage === 'travel_documents';
    const nationalityStatus = accepted ? 'verified' : random.chance(0.45) ? 'verified' : random.chance(0.85) ? 'claimed' : 'disputed';
    const reasons = REASONS[stage];
    return {
      personId: ctx.personId(p.key),
      state: p.nationality,
      stage,
      openedAt,
      stageSince,
      nationalityStatus: nationalityStatus as 'claimed' | 'verified' | 'disputed',
      // an accepted request rests on evidence: a DNA case number for a child, the consulate's record for an adult
      evidence: accepted
        ? [
            p.minor
              ? { kind: 'dna' as const, reference: `${p.nationality}-DNA-2025-${String(p.key).padStart(5, '0')}` }
              : { kind: 'consular_record' as const, reference: `${p.nationality}-CONS-${String(p.key).padStart(5, '0')}` },
          ]
        : [],
      reason: reasons ? reasons[random.int(0, reasons.length - 1)] : undefined,
    };
  });
  const n = await ctx.services.repatriation.importUnderWay(ctx.actor, rows);
  ctx.log(at, `Repatriation: ${n} requests to ${new Set(rows.map((r) => r.state)).size} states taken over from the case file`);
  return n;
}
