/**
 * The rotation rule (issue 17, integrity controls): no guard stands at the same post more than N shifts in a row, so
 * that no guard settles into one gate or tower long enough to be bought there. A "row" is a guard's shifts in the
 * order they start, whatever the hours between them: the run is broken only by a shift at another post.
 */

export interface RotationShift {
  staffId: string;
  postId: string;
  startsAt: Date;
  /** Set on a shift being planned (a CSV line number, or 0 for a single shift); absent on the ones already planned. */
  line?: number;
}

export interface RotationBreach {
  staffId: string;
  postId: string;
  /** The shifts in the row, the planned ones included. */
  run: number;
  /** The planned shift that makes the row too long (the first, in the order of the roster). */
  shift: RotationShift;
}

/**
 * The first planned shift that puts its guard at the same post more than `max` shifts in a row, given every shift
 * around it (existing and planned, in any order); null when the rule holds or is off (`max` 0).
 */
export function rotationBreach(shifts: readonly RotationShift[], max: number): RotationBreach | null {
  if (max <= 0) return null;
  const byGuard = new Map<string, RotationShift[]>();
  for (const s of shifts) {
    const list = byGuard.get(s.staffId);
    if (list) list.push(s);
    else byGuard.set(s.staffId, [s]);
  }
  let first: RotationBreach | null = null;
  for (const [staffId, list] of byGuard) {
    list.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
    let runStart = 0;
    for (let i = 0; i < list.length; i += 1) {
      if (i > 0 && list[i]!.postId !== list[i - 1]!.postId) runStart = i;
      const run = i - runStart + 1;
      if (run <= max) continue;
      // The row is too long: blame a planned shift of it (a row made only of shifts already planned is history).
      const row = list.slice(runStart, i + 1);
      const planned = row.find((s) => s.line !== undefined);
      if (!planned) continue;
      let end = i;
      while (end + 1 < list.length && list[end + 1]!.postId === list[i]!.postId) end += 1;
      const breach = { staffId, postId: list[i]!.postId, run: end - runStart + 1, shift: planned };
      if (!first || (breach.shift.line ?? 0) < (first.shift.line ?? 0)) first = breach;
      break;
    }
  }
  return first;
}
