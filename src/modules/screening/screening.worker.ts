/**
 * Worker thread body (see screening.pool.ts): builds the watchlist index of the entries it was given, then screens
 * chunks of persons against it, one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { preparePerson, WatchlistIndex, type MatchStats } from './screening.matcher';
import type { ChunkResult, SearchRequest, WorkerData, WorkerMessage } from './screening.pool';

const port = parentPort;
if (!port) throw new Error('screening.worker must run in a worker thread');

try {
  const { entries } = workerData as WorkerData;
  const index = new WatchlistIndex(entries);
  port.on('message', (req: SearchRequest) => {
    let reply: WorkerMessage;
    try {
      const stats: MatchStats = { blocked: 0, compared: 0 };
      const result: ChunkResult = { candidates: [], ms: [], stats };
      req.persons.forEach((person, i) => {
        const t = performance.now();
        const found = index.search(preparePerson(person), { threshold: req.threshold }, stats);
        result.ms.push(performance.now() - t);
        for (const c of found) result.candidates.push({ person: i, entryId: c.entry.id, evidence: c.evidence });
      });
      reply = { id: req.id, ok: true, result };
    } catch (err) {
      reply = { id: req.id, ok: false, error: String((err as Error)?.stack ?? err) };
    }
    port.postMessage(reply);
  });
  port.postMessage({ ready: true } satisfies WorkerMessage);
} catch (err) {
  port.postMessage({ ready: false, error: String((err as Error)?.stack ?? err) } satisfies WorkerMessage);
}
