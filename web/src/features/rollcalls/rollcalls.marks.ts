import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../../lib/api';
import { useSession } from '../../lib/session';
import { forgetMarks, forgetRollcall, keepMark, keptMarks, lastSent, nextOrder, recordSent } from '../../offline/markStore';
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
  /** Marks waiting for the server's acknowledgement (kept on the tablet in IndexedDB until then). */
  pendingCount: number;
  /** When a batch of this user's marks of this roll call last went through (kept across reloads), or null. */
  lastSentAt: string | null;
  /** False while the marks kept on the tablet from before a reload are being read back. */
  restored: boolean;
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
 * The queue is also written to IndexedDB (offline/markStore.ts) as each mark is made and read back on load, so that
 * marks made while the server was unreachable survive a reload and go, in the order they were made, when it answers.
 */
export function useMarkQueue(id: string, rows: SheetRow[]): MarkQueue {
  const { userId } = useSession();
  const [marks, setMarks] = useState<Map<string, LocalMark>>(new Map());
  const pending = useRef<PendingMark[]>([]);
  const [pendingCount, setPendingCount] = useState(0);
  const [sendError, setSendError] = useState<unknown>(null);
  const [lastSentAt, setLastSentAt] = useState<string | null>(null);
  const [restored, setRestored] = useState(false);
  const restoredRef = useRef(false);
  const sending = useRef<Promise<void> | null>(null);

  useEffect(() => {
    // The marks kept from before a reload go first (they were made first); their verdicts win over those recorded.
    let cancelled = false;
    restoredRef.current = false;
    setRestored(false);
    (async () => {
      const [kept, sentAt] = await Promise.all([keptMarks(id, userId), lastSent(id, userId)]).catch(() => [[], null] as const);
      if (cancelled) return;
      const newer = pending.current;
      const known = new Set(newer.map((m) => m.id));
      const older = kept
        .filter((m) => !known.has(m.id))
        .map(({ id: markId, personId, result, reason, markedAt }) => ({ id: markId, personId, result, reason, markedAt }));
      pending.current = [...older, ...newer];
      if (older.length) {
        setMarks((prev) => {
          const next = new Map(prev);
          for (const m of older) next.set(m.personId, { result: m.result, reason: m.reason });
          // marks made on this screen since it loaded are newer: they stay on top
          for (const m of newer) {
            const own = prev.get(m.personId);
            if (own) next.set(m.personId, own);
          }
          return next;
        });
      }
      setPendingCount(pending.current.length);
      if (sentAt) setLastSentAt(sentAt);
      restoredRef.current = true;
      setRestored(true);
    })();
    return () => {
      cancelled = true;
    };
  }, [id, userId]);

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
    // the older marks kept on the tablet go first: nothing is sent before they are read back
    if (!restoredRef.current || pending.current.length === 0) return;
    const batch = pending.current.slice(0, 1000);
    // true when the batch left the queue (sent, or refused for good): only then does the next one go at once
    let moved = false;
    const run = (async () => {
      try {
        await api(`/rollcalls/${id}/marks`, {
          method: 'POST',
          body: {
            marks: batch.map((m) => ({ id: m.id, personId: m.personId, result: m.result, reason: m.reason, method: 'visual', markedAt: m.markedAt })),
          },
        });
        pending.current = pending.current.slice(batch.length);
        moved = true;
        setSendError(null);
        const at = new Date().toISOString();
        setLastSentAt(at);
        await Promise.all([forgetMarks(batch.map((m) => m.id)), recordSent(id, userId, at)]).catch(() => undefined);
      } catch (err) {
        setSendError(err);
        // A refused batch (not a network failure) would be refused again: drop it so that the rest can go.
        if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 429) {
          pending.current = pending.current.slice(batch.length);
          moved = true;
          await forgetMarks(batch.map((m) => m.id)).catch(() => undefined);
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
  }, [id, userId]);

  useEffect(() => {
    const t = setInterval(() => void flush(), 1500);
    return () => clearInterval(t);
  }, [flush]);

  const mark = useCallback(
    (personId: string, result: MarkResult, reason?: string) => {
      setMarks((prev) => {
        const next = new Map(prev);
        next.set(personId, { result, reason, verified: result === 'present' ? prev.get(personId)?.verified : undefined });
        return next;
      });
      const queued = { id: newId(), personId, result, reason, markedAt: new Date().toISOString() };
      pending.current.push(queued);
      setPendingCount(pending.current.length);
      // Kept on the tablet at once; were IndexedDB unavailable, the mark still goes from memory as before.
      void keepMark({ ...queued, rollcallId: id, userId, order: nextOrder() }).catch(() => undefined);
    },
    [id, userId],
  );

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
    while (!restoredRef.current) await new Promise((r) => setTimeout(r, 50));
    await flush();
    while (sending.current) await sending.current;
    if (pending.current.length) await flush();
  }, [flush]);

  const discard = useCallback(() => {
    pending.current = [];
    setPendingCount(0);
    setSendError(null);
    void forgetRollcall(id, userId).catch(() => undefined);
  }, [id, userId]);

  return { marks, pendingCount, lastSentAt, restored, sendError, mark, markWithEvidence, flush, sendAll, discard };
}
