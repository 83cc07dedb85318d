import { effectiveCapacity } from './transfers.domain';

/** A person the planner may consider, with what the service knows that can keep them off a movement. */
export interface PlanPerson {
  id: string;
  /** Custody status from the ledger's placement; only `in_custody` is movable. */
  custodyStatus: string;
  /** Under a legal hold or an open case: not movable. */
  hold?: string | null;
  /** Already on a movement that is not finished. */
  onMovementId?: string | null;
}

export interface PlanMovement {
  id: string;
  capacity: number;
  escorts: number;
  /** Persons already on its manifest (a re-plan fills what is left). */
  taken?: number;
}

export interface PlanConstraints {
  /** At most this many persons per escort (null: escorts do not limit). */
  escortRatio: number | null;
  /** Groups whose members must travel on the same movement. */
  together: readonly (readonly string[])[];
  /** Groups whose members must each travel on a different movement. */
  apart: readonly (readonly string[])[];
}

export const UNPLACED_REASONS = [
  'not_in_custody',
  'legal_hold',
  'already_on_movement',
  'group_too_large',
  'together_and_apart',
  'no_room',
  'apart_conflict',
] as const;
export type UnplacedReason = (typeof UNPLACED_REASONS)[number];

export interface Unplaced {
  personId: string;
  reason: UnplacedReason;
  detail: string;
}

export interface Plan {
  /** movement id -> person ids, in placement order. */
  manifests: Map<string, string[]>;
  unplaced: Unplaced[];
}

/**
 * Proposes manifests: together groups are blocks placed whole (first fit, largest first, movements in the order given),
 * never past a movement's effective capacity (seats and escort ratio) and never with two members of an apart group on
 * one movement. Whatever cannot be placed is listed with its reason. Pure and deterministic: the same input gives the
 * same plan. O(blocks x movements).
 */
export function planManifests(persons: readonly PlanPerson[], movements: readonly PlanMovement[], constraints: PlanConstraints): Plan {
  const unplaced: Unplaced[] = [];
  const movable = new Map<string, PlanPerson>();
  for (const p of persons) {
    if (movable.has(p.id)) continue;
    if (p.onMovementId) unplaced.push({ personId: p.id, reason: 'already_on_movement', detail: `already on movement ${p.onMovementId}` });
    else if (p.custodyStatus !== 'in_custody') unplaced.push({ personId: p.id, reason: 'not_in_custody', detail: `custody status is ${p.custodyStatus}` });
    else if (p.hold) unplaced.push({ personId: p.id, reason: 'legal_hold', detail: p.hold });
    else movable.set(p.id, p);
  }

  // union-find over the together groups (a person in two groups joins them)
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    let c = x;
    while (c !== r) {
      const n = parent.get(c)!;
      parent.set(c, r);
      c = n;
    }
    return r;
  };
  for (const id of movable.keys()) parent.set(id, id);
  const blocked = new Set<string>(); // roots of groups with an unmovable member: the whole group stays
  const blockedWhy = new Map<string, string>();
  for (const group of constraints.together) {
    const present = group.filter((id) => movable.has(id));
    const absent = group.filter((id) => !movable.has(id));
    for (let i = 1; i < present.length; i++) {
      const a = find(present[0]!);
      const b = find(present[i]!);
      if (a !== b) parent.set(b, a);
    }
    if (absent.length && present.length) {
      const root = find(present[0]!);
      blocked.add(root);
      blockedWhy.set(root, `travels with ${absent[0]}, who cannot be placed`);
    }
  }
  const blocks = new Map<string, string[]>();
  for (const id of movable.keys()) {
    const r = find(id);
    const list = blocks.get(r);
    if (list) list.push(id);
    else blocks.set(r, [id]);
  }
  // a blocked root may have been re-parented after blocking: re-root
  const blockedRoots = new Set([...blocked].map((r) => find(r)));
  const whyByRoot = new Map([...blockedWhy].map(([r, w]) => [find(r), w]));

  const apartOf = new Map<string, number[]>();
  constraints.apart.forEach((group, gi) => {
    for (const id of new Set(group)) {
      const l = apartOf.get(id);
      if (l) l.push(gi);
      else apartOf.set(id, [gi]);
    }
  });

  const room = movements.map((m) => effectiveCapacity(m.capacity, m.escorts, constraints.escortRatio) - (m.taken ?? 0));
  const apartUsed = movements.map(() => new Set<number>());
  const manifests = new Map<string, string[]>(movements.map((m) => [m.id, []]));
  const maxRoom = Math.max(0, ...room);

  const ordered = [...blocks.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [root, members] of ordered) {
    const reject = (reason: UnplacedReason, detail: string) => {
      for (const id of members) unplaced.push({ personId: id, reason, detail });
    };
    if (blockedRoots.has(root)) {
      reject('legal_hold', whyByRoot.get(root) ?? 'a member of the group cannot be placed');
      continue;
    }
    const groupApart: number[] = [];
    let selfConflict = false;
    {
      const seen = new Set<number>();
      for (const id of members) {
        for (const g of apartOf.get(id) ?? []) {
          if (seen.has(g)) selfConflict = true;
          seen.add(g);
          groupApart.push(g);
        }
      }
    }
    if (selfConflict) {
      reject('together_and_apart', 'must travel together with someone they must travel apart from');
      continue;
    }
    if (members.length > maxRoom) {
      reject('group_too_large', `a group of ${members.length} must travel together; the largest movement has room for ${maxRoom}`);
      continue;
    }
    let placed = false;
    let roomSomewhere = false;
    for (let i = 0; i < movements.length; i++) {
      if (room[i]! < members.length) continue;
      roomSomewhere = true;
      const used = apartUsed[i]!;
      if (groupApart.some((g) => used.has(g))) continue;
      room[i]! -= members.length;
      for (const g of groupApart) used.add(g);
      manifests.get(movements[i]!.id)!.push(...members);
      placed = true;
      break;
    }
    if (!placed) {
      if (roomSomewhere) reject('apart_conflict', 'every movement with room already carries someone they must travel apart from');
      else reject('no_room', members.length > 1 ? `no movement has room left for a group of ${members.length}` : 'no movement has room left');
    }
  }
  return { manifests, unplaced };
}

/**
 * The naive baseline for the bench: one person at a time, each checked against every person already on a movement
 * (apart groups and together groups found by scanning the lists). Same answers on simple inputs; quadratic.
 */
export function planManifestsNaive(persons: readonly PlanPerson[], movements: readonly PlanMovement[], constraints: PlanConstraints): Plan {
  const unplaced: Unplaced[] = [];
  const manifests = new Map<string, string[]>(movements.map((m) => [m.id, []]));
  const caps = movements.map((m) => effectiveCapacity(m.capacity, m.escorts, constraints.escortRatio) - (m.taken ?? 0));
  for (const p of persons) {
    if (p.onMovementId || p.custodyStatus !== 'in_custody' || p.hold) {
      unplaced.push({ personId: p.id, reason: p.onMovementId ? 'already_on_movement' : p.hold ? 'legal_hold' : 'not_in_custody', detail: '' });
      continue;
    }
    const mates = constraints.together.find((g) => g.includes(p.id)) ?? [];
    let placed = false;
    for (let i = 0; i < movements.length && !placed; i++) {
      const list = manifests.get(movements[i]!.id)!;
      if (mates.some((m) => m !== p.id && manifests.get(movements[i]!.id)!.includes(m))) {
        if (list.length < caps[i]!) {
          list.push(p.id);
          placed = true;
        }
        break;
      }
      if (list.length >= caps[i]!) continue;
      const conflict = constraints.apart.some((g) => g.includes(p.id) && g.some((o) => o !== p.id && list.includes(o)));
      if (conflict) continue;
      list.push(p.id);
      placed = true;
    }
    if (!placed) unplaced.push({ personId: p.id, reason: 'no_room', detail: '' });
  }
  return { manifests, unplaced };
}
