import { useEffect, useRef, useState } from 'react';
import type { PhotoBatchResponse } from '../../../../src/modules/biometrics/biometrics.dto';
import { api } from '../../lib/api';
import { useSession } from '../../lib/session';

/** The API's most persons per photo request (PHOTO_BATCH_MAX). */
const BATCH = 200;

/**
 * Record photos (thumbnails by default) of the persons on screen, fetched in one request per change of what is shown
 * (a short pause first, so that a fast scroll asks once), kept for the page's life. Each photo shown is a read of the
 * record, audited with the purpose; persons without a photo, or outside the reader's scope, map to null. Only for
 * roles that read person records.
 */
export function useRecordPhotos(personIds: readonly string[], opts: { purpose?: string; size?: 'thumb' | 'full' } = {}): Map<string, string | null> {
  const session = useSession();
  const allowed = session.can('persons.read');
  const [photos, setPhotos] = useState<Map<string, string | null>>(new Map());
  const asked = useRef(new Set<string>());
  const key = personIds.join(',');
  const { purpose, size = 'thumb' } = opts;

  useEffect(() => {
    if (!allowed) return;
    const wanted = key ? key.split(',').filter((id) => !asked.current.has(id)) : [];
    if (wanted.length === 0) return;
    let cancelled = false;
    const timer = setTimeout(async () => {
      for (let i = 0; i < wanted.length && !cancelled; i += BATCH) {
        const ids = wanted.slice(i, i + BATCH);
        for (const id of ids) asked.current.add(id);
        try {
          const r = await api<PhotoBatchResponse>('/persons/photos', { method: 'POST', body: { personIds: ids, size }, purpose });
          const got = new Map(r.photos.map((p) => [p.personId, p.dataUrl]));
          setPhotos((prev) => {
            const next = new Map(prev);
            for (const id of ids) next.set(id, got.get(id) ?? null);
            return next;
          });
        } catch {
          // a photo is a help, not the record: without it the names still show; asked again on the next change
          for (const id of ids) asked.current.delete(id);
        }
      }
    }, 250);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [key, allowed, purpose, size]);

  return photos;
}
