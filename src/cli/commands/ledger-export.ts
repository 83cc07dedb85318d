import { createReadStream, createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { ExportChecker, verifyInclusionProof, type ExportCheckResult, type ExportedEvent, type SignedStatement } from '../../modules/reviews';
import { configFromOptions, openApp } from '../../main';

/** Input the offline checks cannot use (a missing or unreadable file, not JSON, not a key): exit 2, not "does not verify". */
class UnusableInput extends Error {}

/** An UnusableInput saying plainly why a file cannot be read. */
function unreadable(err: unknown, file: string, what: string): UnusableInput {
  const code = (err as NodeJS.ErrnoException).code;
  return new UnusableInput(`${what} ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : (err as Error).message}`);
}

/** A file's text, or an UnusableInput saying plainly why it cannot be read. */
function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw unreadable(err, file, what);
  }
}

function parseJson<T>(text: string, file: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new UnusableInput(`${what} ${file}: not JSON (${(err as Error).message})`);
  }
}

/** A key given as base64 SPKI DER, or a file holding it (or a statement or export line naming it). */
function readKey(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (/^[A-Za-z0-9+/=]{40,}$/.test(value.trim())) return value.trim();
  if (!existsSync(value)) throw new UnusableInput(`--key ${value}: neither a public key (base64 SPKI DER) nor a file holding one`);
  const text = readText(value, '--key').trim();
  const json = (() => {
    try {
      return JSON.parse(text) as { publicKey?: string; statement?: { publicKey?: string } };
    } catch {
      return null;
    }
  })();
  return json?.publicKey ?? json?.statement?.publicKey ?? text;
}

/** A published statement kept by a monitor: a file with {statementText, signature, publicKey} (an API answer will do). */
function readPublished(file: string): SignedStatement {
  const json = parseJson<(SignedStatement & { statement?: unknown }) | null>(readText(file, '--published'), file, '--published');
  if (!json || typeof json.statementText !== 'string' || typeof json.signature !== 'string' || typeof json.publicKey !== 'string') {
    throw new UnusableInput(`--published ${file}: not a signed statement (statementText, signature, publicKey)`);
  }
  return { statementText: json.statementText, signature: json.signature, publicKey: json.publicKey };
}

/** Runs the offline check over an export file: no database, no server. */
export async function checkExportFile(file: string, opts: { published?: string[]; key?: string } = {}): Promise<ExportCheckResult> {
  const checker = new ExportChecker(readKey(opts.key));
  for (const p of opts.published ?? []) checker.addStatement(readPublished(p), 'published');
  // a missing file or a folder said plainly before streaming it (the export is not read whole for that)
  try {
    if (statSync(file).isDirectory()) throw Object.assign(new Error('a folder'), { code: 'EISDIR' });
  } catch (err) {
    throw unreadable(err, file, 'export');
  }
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  let sawHeader = false;
  for await (const line of lines) {
    n += 1;
    if (!line.trim()) continue;
    let obj: { header?: unknown; statement?: SignedStatement; event?: ExportedEvent };
    try {
      obj = JSON.parse(line);
    } catch {
      throw new UnusableInput(`${file}:${n}: not JSON: not a Custos ledger export`);
    }
    if (obj.header) sawHeader = true;
    else if (obj.statement) checker.addStatement(obj.statement, 'file');
    else if (obj.event) checker.addEvent(obj.event);
    else throw new UnusableInput(`${file}:${n}: neither a header, a statement nor an event: not a Custos ledger export`);
  }
  if (!sawHeader) throw new UnusableInput(`${file}: no header line: not a Custos ledger export`);
  return checker.finish();
}

function printCheck(r: ExportCheckResult): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  for (const s of r.sites) out(`chain ${s.siteId}: ${s.events} events, head ${s.head?.hash ?? '(empty)'}, Merkle root ${s.merkleRoot}`);
  for (const p of r.chainProblems.slice(0, 20)) out(`  BROKEN ${p.siteId}/${p.seq}: ${p.problem}`);
  for (const s of r.statements) {
    const where = s.source === 'published' ? 'published statement' : 'statement';
    if (s.problem) out(`${where} ${s.issuedAt ?? '?'}: FAILS: ${s.problem}`);
    else out(`${where} ${s.issuedAt}: signature valid, heads on the chain, counts ${s.counts.replace('_', ' ')}`);
  }
  if (r.descendsFromPublished !== null) {
    const forged = r.statements.some((s) => s.source === 'published' && !s.signatureValid);
    out(
      r.descendsFromPublished
        ? 'The export descends from every published statement given.'
        : forged
          ? "A published statement's signature does not verify (forged, altered, or signed with another key): the export cannot be checked against it."
          : 'The export does NOT descend from a published statement: the chain was rewritten.',
    );
  }
  out(r.ok ? 'Export verifies.' : 'Export does NOT verify.');
}

export function register(program: Command): void {
  const ledger = program.commands.find((c) => c.name() === 'ledger') ?? program.command('ledger').description('The custody ledger');
  ledger
    .command('statement')
    .description("Issue a signed custody statement now (the site's counts, chain heads with Merkle roots, audit head); prints it as JSON")
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .action(async (opts: { data: string }) => {
      const services = await openApp(configFromOptions(opts));
      try {
        const s = await services.reviews.issue(null, 'on_demand', 'cli');
        process.stdout.write(`${JSON.stringify({ id: s.id, statementText: s.statementText, signature: s.signature, publicKey: s.publicKey })}\n`);
      } finally {
        await services.close();
      }
    });
  ledger
    .command('export')
    .description(
      'Write the ledger without personal data (hashes, links, types, times, places, keyed pseudonyms) and every statement, for `custos ledger check`',
    )
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .option('--out <file>', 'write here instead of standard output')
    .action(async (opts: { data: string; out?: string }) => {
      const services = await openApp(configFromOptions(opts));
      const sink = opts.out ? createWriteStream(opts.out, { mode: 0o600 }) : process.stdout;
      try {
        const { events } = await services.reviews.exportLedger(null, async (line) => {
          if (!sink.write(`${line}\n`)) await once(sink, 'drain');
        });
        if (opts.out) {
          sink.end();
          await once(sink, 'finish');
          process.stderr.write(`${events} events written to ${opts.out}\n`);
        }
      } finally {
        await services.close();
      }
    });
  ledger
    .command('check <file>')
    .description(
      'Verify an export offline (no database, no server): chains, statement signatures, stated heads and Merkle roots, counts; exit 0 when it verifies',
    )
    .option('--published <file...>', 'statements published earlier (JSON with statementText, signature, publicKey): the export must descend from each')
    .option('--key <key>', "the site's public key (base64 SPKI DER, or a file) pinned from an earlier statement")
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { published?: string[]; key?: string; json?: boolean }) => {
      await unusableExits2(async () => {
        const result = await checkExportFile(file, opts);
        if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else printCheck(result);
        process.exitCode = result.ok ? 0 : 1;
      });
    });
  ledger
    .command('proof <eventId>')
    .description("Write the inclusion proof of one event (the person's own) under the last statement, as JSON")
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .option('--as <username>', 'the user asking (a legal officer or investigator; default CUSTOS_OPERATOR); the read is audited')
    .action(async (eventId: string, opts: { data: string; as?: string }) => {
      const services = await openApp(configFromOptions(opts));
      try {
        const who = opts.as ?? process.env.CUSTOS_OPERATOR;
        if (!who) throw new Error('Say who asks for the proof: --as USERNAME (the read of the record is audited)');
        const actor = await services.access.operatorActor(who, 'inclusion proof (cli)');
        process.stdout.write(`${JSON.stringify(await services.reviews.inclusionProof(actor, eventId))}\n`);
      } finally {
        await services.close();
      }
    });
  ledger
    .command('check-proof <file>')
    .description('Verify an inclusion proof offline: the event hashes as stated, the path leads to the root, a signed statement publishes that root')
    .option('--key <key>', "the site's public key (base64 SPKI DER, or a file) pinned from an earlier statement")
    .action(async (file: string, opts: { key?: string }) => {
      await unusableExits2(async () => {
        const proof = parseJson<unknown>(readText(file, 'proof'), file, 'proof');
        if (!proof || typeof proof !== 'object') throw new UnusableInput(`proof ${file}: not an inclusion proof`);
        const result = verifyInclusionProof(proof as Parameters<typeof verifyInclusionProof>[0], readKey(opts.key));
        process.stdout.write(result.ok ? 'Inclusion proof verifies.\n' : `Inclusion proof does NOT verify: ${result.problem}\n`);
        process.exitCode = result.ok ? 0 : 1;
      });
    });
}

/** Runs an offline check: input it cannot use is said on stderr with exit 2 (1 is kept for "does not verify"). */
async function unusableExits2(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (!(err instanceof UnusableInput)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = 2;
  }
}
