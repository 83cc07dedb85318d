import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../../lib/api';
import type { MarkResult, SheetRow } from './rollcalls.api';

export interface LocalMark {
  result: MarkResult;
  reason?: string;
  /** A present mark backed by a biometric verification (its method and id). */
  verified?: { method: 'face' | 'fingerprint'; ref: string };
}

/** A mark that carries its evidence: sent at once, on its own, so that a refusal names it and spares the queue. */
export interface EvidencedMark {
  method: 'face' | 'fingerprint' | 'visual' | 'document';
  verificationRef: string;
  note?: string;
}

interface PendingMark extends LocalMark {
  id: string;
  personId: string;
  markedAt: string;
}

export interface MarkQueue {
  /** The latest verdict per person: this tablet's own marks, over those recorded by any tablet. */
  marks: Map<string, LocalMark>;
  /** Marks waiting for the server's acknowledgement. */
  pendingCount: number;
  /** Why the last batch did not go (null once a batch went). */
  sendError: unknown;
  mark(personId: string, result: MarkResult, reason?: string): void;
  /** Records a present mark with its evidence now (not queued); refused marks throw the API's error. */
  markWithEvidence(personId: string, evidence: EvidencedMark): Promise<void>;
  /** Sends the queue, a batch of 1,000 at a time (also every 1.5 s on its own). */
  flush(): Promise<void>;
  /** Sends everything queued, after any batch in flight (before a close). */
  sendAll(): Promise<void>;
  /** Forgets the queue (the roll call was cancelled: the server takes no more marks). */
  discard(): void;
}

const newId = (): string =>
  typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) =>
        (Number(c) ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (Number(c) / 4)))).toString(16),
      );

/**
 * Marks on this tablet: the latest verdict per person, and the queue not yet acknowledged by the server, sent in
 * batches with ids (a batch sent twice is recorded once) so that a tablet keeps marking through a bad connection.
 */
export function useMarkQueue(id: string, rows: SheetRow[]): MarkQueue {
  const [marks, setMarks] = useState<Map<string, LocalMark>>(new Map());
  const pending = useRef<PendingMark[]>([]);
  const [pendingCount, setPendingCount] = useState(0);
  const [sendError, setSendError] = useState<unknown>(null);
  const sending = useRef<Promise<void> | null>(null);

  useEffect(() => {
    // Marks already recorded (by any tablet) for the rows loaded so far; this tablet's own marks take precedence.
    const recorded = rows.filter((r) => r.mark);
    if (recorded.length) {
      setMarks((prev) => {
        const next = new Map(prev);
        for (const r of recorded) {
          if (next.has(r.personId)) continue;
          next.set(r.personId, { result: r.mark!.result, reason: r.mark!.reason ?? undefined, verified: r.verification ?? undefined });
        }
        return next;
      });
    }
  }, [rows]);

  const flush = useCallback(async (): Promise<void> => {
    if (sending.current) return sending.current;
    if (pending.current.length === 0) return;
    const batch = pending.current.slice(0, 1000);
    // true when the batch left the queue (sent, or refused for good): only then does the next one go at once
    let moved = false;
    const run = (async () => {
      try {
        await api(`/rollcalls/${id}/marks`, {
          method: 'POST',
          body: { marks: batch.map((m) => ({ id: m.id, personId: m.personId, result: m.result, reason: m.reason, method: 'visual' })) },
        });
        pending.current = pending.current.slice(batch.length);
        moved = true;
        setSendError(null);
      } catch (err) {
        setSendError(err);
        // A refused batch (not a network failure) would be refused again: drop it so that the rest can go.
        if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 429) {
          pending.current = pending.current.slice(batch.length);
          moved = true;
        }
      } finally {
        setPendingCount(pending.current.length);
        sending.current = null;
      }
    })();
    sending.current = run;
    await run;
    // A network failure waits for the next interval instead of retrying in a tight loop.
    if (moved && pending.current.length) await flush();
  }, [id]);

  useEffect(() => {
    const t = setInterval(() => void flush(), 1500);
    return () => clearInterval(t);
  }, [flush]);

  const mark = useCallback((personId: string, result: MarkResult, reason?: string) => {
    setMarks((prev) => {
      const next = new Map(prev);
      next.set(personId, { result, reason, verified: result === 'present' ? prev.get(personId)?.verified : undefined });
      return next;
    });
    pending.current.push({ id: newId(), personId, result, reason, markedAt: new Date().toISOString() });
    setPendingCount(pending.current.length);
  }, []);

  const markWithEvidence = useCallback(
    async (personId: string, evidence: EvidencedMark) => {
      await api(`/rollcalls/${id}/marks`, {
        method: 'POST',
        body: { marks: [{ id: newId(), personId, result: 'present', markedAt: new Date().toISOString(), ...evidence }] },
      });
      const verified = evidence.method === 'face' || evidence.method === 'fingerprint' ? { method: evidence.method, ref: evidence.verificationRef } : undefined;
      setMarks((prev) => {
        const next = new Map(prev);
        next.set(personId, { result: 'present', verified: verified ?? prev.get(personId)?.verified });
        return next;
      });
    },
    [id],
  );

  const sendAll = useCallback(async () => {
    await flush();
    while (sending.current) await sending.current;
    if (pending.current.length) await flush();
  }, [flush]);

  const discard = useCallback(() => {
    pending.current = [];
    setPendingCount(0);
    setSendError(null);
  }, []);

  return { marks, pendingCount, sendError, mark, markWithEvidence, flush, sendAll, discard };
}
