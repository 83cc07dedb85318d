import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { verifyHandover, type HandoverDocument } from '../../modules/transfers';

/** `custos transfer verify FILE`: checks a signed handover offline (no database, no network). */
export function register(program: Command): void {
  const transfer = program.command('transfer').description('Transfers between custodians');
  transfer
    .command('verify <file>')
    .description('Verify a signed handover (JSON) offline: both Ed25519 signatures and the receipt against the manifest; exit 0 when it holds')
    .option('--key <pem...>', 'files with the public keys (PEM) the handover must be signed with')
    .option('--json', 'print the result as JSON')
    .action((file: string, opts: { key?: string[]; json?: boolean }) => {
      let doc: HandoverDocument;
      try {
        doc = JSON.parse(readFileSync(file, 'utf8')) as HandoverDocument;
      } catch (err) {
        process.stderr.write(`Cannot read ${file} as JSON: ${(err as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      const trusted = opts.key?.map((k) => readFileSync(k, 'utf8'));
      const result = verifyHandover(doc, trusted);
      if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else if (result.ok) {
        const s = doc.sender!.part;
        process.stdout.write(
          `Handover verified: movement ${s.movementId}, ${s.countOn} persons, sent by ${s.signer.username} (${s.fromFacilityId}), ` +
            `received by ${doc.receiver!.part.signer.username} (${s.toFacilityId})\n`,
        );
      } else {
        process.stdout.write(`Handover NOT verified:\n${result.problems.map((p) => `  - ${p}`).join('\n')}\n`);
      }
      process.exitCode = result.ok ? 0 : 1;
    });
}
