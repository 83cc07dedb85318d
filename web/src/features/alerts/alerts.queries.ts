import { createContext, useContext, useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, type Alert } from '../../lib/api';
import { openStream } from '../../lib/sse';
import { useSession } from '../../lib/session';

/** Open alerts; empty when the role may not read alerts or the alerts module is not deployed. */
export function useOpenAlerts() {
  const session = useSession();
  return useQuery({
    queryKey: ['alerts', 'open'],
    enabled: session.can('alerts.read'),
    queryFn: async () => {
      try {
        return await api<Alert[]>('/alerts?status=open&limit=1000');
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return [];
        throw e;
      }
    },
  });
}

export function useOpenAlertCount(): number {
  return useOpenAlerts().data?.length ?? 0;
}

export type StreamState = 'connecting' | 'live' | 'offline';

/**
 * Listens to the alerts stream (SSE, same-origin cookie) and refreshes the alert queries on every message, so that a
 * new alert shows without reload. The browser reconnects by itself after a drop.
 */
export function useAlertStream(onAlert?: (a: Alert) => void): StreamState {
  const session = useSession();
  const qc = useQueryClient();
  const [state, setState] = useState<StreamState>('connecting');
  useEffect(() => {
    if (!session.can('alerts.read') || typeof EventSource === 'undefined') {
      setState('offline');
      return;
    }
    const refresh = (data: string) => {
      void qc.invalidateQueries({ queryKey: ['alerts'] });
      void qc.invalidateQueries({ queryKey: ['facility'] });
      if (onAlert && data.startsWith('{')) {
        try {
          const a = JSON.parse(data) as Alert;
          if (a && typeof a === 'object' && 'id' in a) onAlert(a);
        } catch {
          /* a message of another shape */
        }
      }
    };
    const close = openStream('/alerts/stream', {
      onOpen: () => setState('live'),
      onError: (closed) => setState(closed ? 'offline' : 'connecting'),
      onEvent: (_name, data) => refresh(data),
    });
    return close;
  }, [session.username, qc]);
  return state;
}

export interface LiveAlerts {
  state: StreamState;
  /** Ids of alerts that arrived over the stream since the page loaded (shown as new). */
  fresh: ReadonlySet<string>;
}

export const LiveAlertsContext = createContext<LiveAlerts>({ state: 'offline', fresh: new Set() });
export const useLiveAlerts = () => useContext(LiveAlertsContext);
