import type { Db } from '../../platform/db/database';
import { ConflictError } from '../../platform/errors';
import { listVersions } from './screening.repository';

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * A list's versions follow its publisher's releases: an import becomes the current version, so a release older (by
 * the list's own date, UN `dateGenerated`) than the current version's would silently roll the list back, bringing
 * back delisted entries and dropping newly listed ones. Refused with 409 `watchlist.older_release` unless `force`;
 * a forced one returns the warning kept on the version. Formats without a release date (OFAC's CSV) are not checked.
 * Called in the import's transaction after the list's lock, so two imports are ordered.
 */
export async function checkReleaseOrder(tx: Db, source: string, generatedAt: string | null, force: boolean): Promise<string | null> {
  if (!generatedAt) return null;
  const release = new Date(generatedAt);
  if (Number.isNaN(release.getTime())) return null;
  const [current] = await listVersions(tx, source);
  if (!current?.generatedAt || release.getTime() >= current.generatedAt.getTime()) return null;
  const what = `This ${source} release of ${day(release)} is older than the current version's release of ${day(current.generatedAt)} (imported ${day(current.importedAt)}${current.fileName ? ` from ${current.fileName}` : ''})`;
  if (!force) {
    throw new ConflictError(
      'watchlist.older_release',
      `${what}: importing it would make the older list current. Nothing was imported; import it with force (--force) if rolling back is meant.`,
      { release: release.toISOString(), currentRelease: current.generatedAt.toISOString(), currentVersionId: current.id },
    );
  }
  return `${what}; imported with force, so the older list is now current`;
}
