/** Reads all of standard input (for passwords piped in, never given as arguments where `ps` would show them). */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new Error('Pipe the password on standard input, e.g. `printf %s "$PASSWORD" | custos user add ...`');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
