/**
 * Worker thread body (see screening.pool.ts): builds the watchlist index of the entries it was given, then screens
 * chunks of persons against it, one at a time.
 */
import { serveWorker } from '../../platform/worker-pool';
import { preparePerson, WatchlistIndex, type MatchStats } from './screening.matcher';
import type { ChunkResult, SearchRequest, WorkerData } from './screening.pool';

await serveWorker<WorkerData, SearchRequest, ChunkResult>(({ entries }) => {
  const index = new WatchlistIndex(entries);
  return (req) => {
    const stats: MatchStats = { blocked: 0, compared: 0 };
    const result: ChunkResult = { candidates: [], ms: [], stats };
    req.persons.forEach((person, i) => {
      const t = performance.now();
      const found = index.search(preparePerson(person), { threshold: req.threshold }, stats);
      result.ms.push(performance.now() - t);
      for (const c of found) result.candidates.push({ person: i, entryId: c.entry.id, evidence: c.evidence });
    });
    return result;
  };
});
