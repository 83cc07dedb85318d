import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../../lib/api';
import { useSession } from '../../lib/session';
import type { CloseResult, Rollcall, RollcallDetail } from './rollcalls.api';
import type { MarkQueue } from './rollcalls.marks';

/** A cancel's reason: at least 3 characters (CancelRollcallBody). */
export const MIN_REASON = 3;

export interface RollcallOutcome {
  result: CloseResult | null;
  setResult(result: CloseResult): void;
  cancelled: Rollcall['cancelled'];
  setCancelled(cancelled: NonNullable<Rollcall['cancelled']>): void;
}

/** How the roll call ended, if it did: as loaded, or as this screen closed or cancelled it. */
export function useRollcallOutcome(detail: RollcallDetail | null): RollcallOutcome {
  const [result, setResult] = useState<CloseResult | null>(null);
  const [cancelled, setCancelled] = useState<Rollcall['cancelled']>(null);
  useEffect(() => {
    if (detail?.status === 'closed' && detail.result) setResult(detail.result);
    if (detail?.status === 'cancelled' && detail.cancelled) setCancelled(detail.cancelled);
  }, [detail]);
  return { result, setResult, cancelled, setCancelled };
}

export interface CloseAction {
  /** The confirmation dialog is open. */
  closing: boolean;
  setClosing(closing: boolean): void;
  error: unknown;
  close(): Promise<void>;
}

/** Closing: every mark on the tablet is sent first, then the server computes the Delta and records the unaccounted. */
export function useCloseRollcall(id: string, queue: MarkQueue, outcome: RollcallOutcome): CloseAction {
  const qc = useQueryClient();
  const [closing, setClosing] = useState(false);
  const [closeError, setCloseError] = useState<unknown>(null);

  async function close() {
    setCloseError(null);
    try {
      await queue.sendAll();
      const r = await api<CloseResult>(`/rollcalls/${id}/close`, { method: 'POST' });
      outcome.setResult(r);
      setClosing(false);
      void qc.invalidateQueries({ queryKey: ['rollcalls'] });
      void qc.invalidateQueries({ queryKey: ['alerts'] });
      void qc.invalidateQueries({ queryKey: ['facility'] });
      void qc.invalidateQueries({ queryKey: ['reports'] });
    } catch (err) {
      setCloseError(err);
    }
  }

  return { closing, setClosing, error: closeError, close };
}

export interface CancelAction {
  /** The dialog is open. */
  cancelling: boolean;
  /** Opens the dialog, without the refusal of an earlier attempt. */
  start(): void;
  dismiss(): void;
  reason: string;
  setReason(reason: string): void;
  error: unknown;
  busy: boolean;
  cancel(): Promise<void>;
}

export function useCancelRollcall(id: string, queue: MarkQueue, outcome: RollcallOutcome): CancelAction {
  const session = useSession();
  const qc = useQueryClient();
  const [cancelling, setCancelling] = useState(false);
  const [cancelReason, setCancelReason] = useState('');
  const [cancelError, setCancelError] = useState<unknown>(null);
  const [cancelBusy, setCancelBusy] = useState(false);

  /**
   * Cancels the roll call (opened by mistake): the marks taken so far are sent first, so that they stay as evidence;
   * nothing is computed and nothing goes to the ledger. Refused (409) when it was closed or cancelled meanwhile: the
   * screen then shows what it has become.
   */
  async function cancel() {
    setCancelError(null);
    setCancelBusy(true);
    try {
      await queue.flush().catch(() => undefined);
      const rc = await api<Rollcall>(`/rollcalls/${id}/cancel`, { method: 'POST', body: { reason: cancelReason.trim() } });
      queue.discard();
      outcome.setCancelled(rc.cancelled ?? { at: new Date().toISOString(), by: session.userId, reason: cancelReason.trim() });
      setCancelling(false);
      void qc.invalidateQueries({ queryKey: ['rollcalls'] });
      void qc.invalidateQueries({ queryKey: ['facility'] });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        // What it has become, shown together with the refusal.
        const now = await api<RollcallDetail>(`/rollcalls/${id}?limit=0`).catch(() => null);
        if (now?.status === 'cancelled' && now.cancelled) outcome.setCancelled(now.cancelled);
        if (now?.status === 'closed' && now.result) outcome.setResult(now.result);
      }
      setCancelError(err);
    } finally {
      setCancelBusy(false);
    }
  }

  return {
    cancelling,
    start: () => {
      setCancelError(null);
      setCancelling(true);
    },
    dismiss: () => setCancelling(false),
    reason: cancelReason,
    setReason: setCancelReason,
    error: cancelError,
    busy: cancelBusy,
    cancel,
  };
}
