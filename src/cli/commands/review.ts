import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { verifyReview, type SignedReview } from '../../modules/reviews';

/** `custos review verify FILE`: checks a signed after-action review offline (no database, no network). */
export function register(program: Command): void {
  const review = program.command('review').description('After-action reviews');
  review
    .command('verify <file>')
    .description(
      'Verify a signed after-action review (JSON from GET /reviews/:id/export.json) offline: the Ed25519 signature and its evidence; exit 0 when it holds',
    )
    .option('--key <base64>', "the site's public key (base64 SPKI DER, as in its custody statements) the review must be signed with")
    .option('--json', 'print the result as JSON')
    .action((file: string, opts: { key?: string; json?: boolean }) => {
      let signed: Partial<SignedReview>;
      try {
        signed = JSON.parse(readFileSync(file, 'utf8')) as Partial<SignedReview>;
      } catch (err) {
        process.stderr.write(`Cannot read ${file} as JSON: ${(err as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      if (!signed || typeof signed !== 'object' || Array.isArray(signed)) {
        process.stderr.write(`${file} is not a signed review (a JSON object with documentText, signature, publicKey)\n`);
        process.exitCode = 2;
        return;
      }
      const result = verifyReview(signed, opts.key);
      if (opts.json) process.stdout.write(`${JSON.stringify(result.ok ? { ok: true, reviewId: result.document.reviewId } : result)}\n`);
      else if (result.ok) {
        const d = result.document;
        process.stdout.write(
          `Review verified: "${d.title}" (${d.reviewId}), facility ${d.facilityId}, ${d.window.from} to ${d.window.to}; ` +
            `${d.timeline.length} timeline items, ${d.findings.length} findings; approved by ${d.approvedBy} at ${d.approvedAt}\n` +
            `${opts.key ? 'Signed with the pinned site key.' : `Signed with the key it names (pin it with --key): ${signed.publicKey}`}\n`,
        );
      } else {
        process.stdout.write(`Review NOT verified:\n${result.problems.map((p) => `  - ${p}`).join('\n')}\n`);
      }
      process.exitCode = result.ok ? 0 : 1;
    });
}
