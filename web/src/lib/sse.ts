import { authHeaders, bearerToken } from './api';

export interface StreamHandlers {
  onOpen: () => void;
  onError: (closed: boolean) => void;
  onEvent: (event: string, data: string) => void;
}

/**
 * Server-Sent Events from the API. With the session cookie, the browser's EventSource (it reconnects by itself);
 * in bearer mode (see api.ts) a fetch stream with the Authorization header, parsed here, reconnecting after 3 s.
 */
export function openStream(path: string, h: StreamHandlers): () => void {
  const url = `/api/v1${path}`;
  if (!bearerToken()) {
    const es = new EventSource(url, { withCredentials: true });
    es.onopen = h.onOpen;
    es.onerror = () => h.onError(es.readyState === EventSource.CLOSED);
    const names = ['alert.raised', 'alert.acknowledged', 'alert.resolved', 'alert.escalated', 'message'];
    for (const n of names) es.addEventListener(n, (ev) => h.onEvent(n, (ev as MessageEvent).data as string));
    return () => es.close();
  }
  let stopped = false;
  let controller: AbortController | null = null;
  const run = async () => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const res = await fetch(url, { headers: { accept: 'text/event-stream', ...authHeaders() }, signal: controller.signal });
        if (!res.ok || !res.body) throw new Error(`stream ${res.status}`);
        h.onOpen();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            let event = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) event = line.slice(6).trim();
              else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
            }
            if (data.length) h.onEvent(event, data.join('\n'));
          }
        }
        if (!stopped) h.onError(false);
      } catch {
        if (!stopped) h.onError(false);
      }
      if (!stopped) await new Promise((r) => setTimeout(r, 3000));
    }
  };
  void run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
