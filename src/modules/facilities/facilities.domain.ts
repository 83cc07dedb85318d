/** Statuses that keep a person on a facility's roll: `current = present + temporarily out + unaccounted`. */
export const ON_ROLL_STATUSES = ['in_custody', 'temporarily_out', 'unaccounted'] as const;

export interface RollCount {
  current: number;
  inCustody: number;
  temporarilyOut: number;
  unaccounted: number;
  inTransitOut: number;
  escaped: number;
}

export function rollCountFrom(byStatus: { status: string; count: number }[]): RollCount {
  const get = (s: string) => byStatus.filter((r) => r.status === s).reduce((n, r) => n + r.count, 0);
  const inCustody = get('in_custody');
  const temporarilyOut = get('temporarily_out');
  const unaccounted = get('unaccounted');
  return {
    current: inCustody + temporarilyOut + unaccounted,
    inCustody,
    temporarilyOut,
    unaccounted,
    inTransitOut: get('in_transit'),
    escaped: get('escaped'),
  };
}

/** Units nest (phase > block > section > cell); a unit's parent must be in the same facility and no cycle forms. */
export function parentChainOk(units: { id: string; parentUnitId: string | null }[], unitId: string, parentId: string): boolean {
  const byId = new Map(units.map((u) => [u.id, u.parentUnitId]));
  let cursor: string | null | undefined = parentId;
  for (let depth = 0; cursor && depth < 64; depth++) {
    if (cursor === unitId) return false;
    cursor = byId.get(cursor);
  }
  return true;
}
