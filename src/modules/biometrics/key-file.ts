/**
 * The secret keys the biometrics module keeps in the data folder (the template key, headquarters' identity key): a
 * file of one base64 line, created with fresh bytes and mode 0600 when absent, refused when others can read it.
 */
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Each caller makes its own error from the message, so that its code stays a literal in a `new ...Error(...)` where
 * the error-code checks (test/i18n-errors.test.ts) find it.
 */
export type KeyError = (message: string) => Error;

/** 32 bytes from base64 text, or the caller's error saying where the text came from. */
export function decodeKey32(text: string, where: string, invalid: KeyError): Buffer {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) throw invalid(`${where} is not base64`);
  const bytes = Buffer.from(trimmed, 'base64');
  if (bytes.length !== 32) throw invalid(`${where} must hold 32 bytes in base64, it holds ${bytes.length}`);
  return bytes;
}

/**
 * The text of `dataDir/fileName`, first written with `fresh()` when the file is absent. The folder is made private
 * whatever it was created with (a key in a 0755 folder was a finding); a file readable by group or others is refused
 * with the caller's error.
 */
export async function readOrCreateKeyFile(dataDir: string, fileName: string, fresh: () => string, exposed: KeyError): Promise<{ file: string; text: string }> {
  const file = join(dataDir, fileName);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') await chmod(dataDir, 0o700);
  try {
    // 'wx' fails when the file exists, so two processes starting together cannot both write a key
    await writeFile(file, `${fresh()}\n`, { flag: 'wx', mode: 0o600 });
    await chmod(file, 0o600); // the umask may have removed bits, never added: make the mode exact
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const st = await stat(file);
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    throw exposed(`${file} is readable by other users (mode ${(st.mode & 0o777).toString(8)}); run chmod 600 on it`);
  }
  return { file, text: await readFile(file, 'utf8') };
}
