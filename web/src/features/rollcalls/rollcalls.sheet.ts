import { useEffect, useState } from 'react';
import { api } from '../../lib/api';
import type { RollcallDetail, SheetRow } from './rollcalls.api';

const PAGE = 5000;
const FIRST_PAGE = 1000;

export interface Sheet {
  detail: RollcallDetail | null;
  rows: SheetRow[];
  complete: boolean;
  error: unknown;
}

/**
 * The expected list of a roll call, in pages of 5,000 rows: the first page shows at once, the others (three at a time)
 * are appended in order as they arrive, so a camp-wide list of tens of thousands does not hold up the first marks.
 */
export function useSheet(id: string): Sheet {
  const [sheet, setSheet] = useState<Sheet>({ detail: null, rows: [], complete: false, error: null });
  useEffect(() => {
    let cancelled = false;
    setSheet({ detail: null, rows: [], complete: false, error: null });
    (async () => {
      // a short first page shows the screen at once; the rest comes in larger pages behind it
      const first = await api<RollcallDetail>(`/rollcalls/${id}?limit=${FIRST_PAGE}`);
      if (cancelled) return;
      const firstRows = first.persons ?? [];
      const offsets: number[] = [];
      if (first.persons && firstRows.length === FIRST_PAGE) for (let o = FIRST_PAGE; o < first.expected; o += PAGE) offsets.push(o);
      setSheet({ detail: first, rows: firstRows, complete: offsets.length === 0, error: null });
      const pages: (SheetRow[] | undefined)[] = new Array(offsets.length);
      let next = 0;
      let shown = 0;
      const worker = async () => {
        while (next < offsets.length && !cancelled) {
          const k = next++;
          pages[k] = (await api<RollcallDetail>(`/rollcalls/${id}?limit=${PAGE}&offset=${offsets[k]}`)).persons ?? [];
          let upTo = shown;
          while (upTo < pages.length && pages[upTo]) upTo++;
          if (upTo > shown && !cancelled) {
            const add = pages.slice(shown, upTo).flat() as SheetRow[];
            shown = upTo;
            const done = shown === offsets.length;
            setSheet((s) => ({ ...s, rows: [...s.rows, ...add], complete: done }));
          }
        }
      };
      // an open roll call needs its whole list on the tablet soon (three pages at a time); a closed one is read, not
      // marked, so its pages come one at a time and leave the server free for other users' requests in between
      await Promise.all(Array.from({ length: first.status === 'open' ? 3 : 1 }, () => worker()));
    })().catch((error: unknown) => {
      if (!cancelled) setSheet((s) => ({ ...s, error }));
    });
    return () => {
      cancelled = true;
    };
  }, [id]);
  return sheet;
}
