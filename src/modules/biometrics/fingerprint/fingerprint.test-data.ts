import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/** Test helper: the FVC samples in ../shared/data/fingerprints, read in place (never copied into the repository). */
const projectRoot = resolve(import.meta.dirname, '../../../..');
export const FINGERPRINT_DATA = resolve(projectRoot, '../shared/data/fingerprints');
export const FACE_DATA = resolve(projectRoot, '../shared/data/faces/lfw-dev');

export function requireFingerprintData(): void {
  if (!existsSync(resolve(FINGERPRINT_DATA, 'fvc2002-db2b', '101_1.tif'))) {
    throw new Error(
      `Fingerprint test data is missing: expected FVC images in ${FINGERPRINT_DATA} ` +
        '(the shared data folder ../shared/data/fingerprints next to the project; see its README.md)',
    );
  }
}

export function readSample(db: 'fvc2002-db2b' | 'fvc-db4b', name: string): Promise<Buffer> {
  return readFile(resolve(FINGERPRINT_DATA, db, `${name}.tif`));
}
