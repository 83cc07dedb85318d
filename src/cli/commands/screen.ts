import type { Command } from 'commander';
import { ValidationError } from '../../platform/errors';
import { configFromOptions, openApp } from '../../main';
import { systemActor } from '../../modules/access';

/**
 * `custos screen`: screens the registry against every active watchlist now (possible minors skipped), or one person
 * on an explicit request with a reason (`--person ID --reason TEXT`, the only way a possible minor is screened), or
 * lists the hits awaiting review (`--pending`), or screens the persons who turned 18 since the last screening
 * against every entry (`--came-of-age`; `serve` does it every 6 hours).
 */
export function register(program: Command): void {
  program
    .command('screen')
    .description('Screen the registry against the active watchlists (adults), or one person on request, or list pending hits')
    .option('--person <id>', 'screen this person only (an explicit request; required for a possible minor)')
    .option('--reason <text>', 'why this person is screened (required with --person; audited)')
    .option('--pending', 'list the hits awaiting review instead of screening')
    .option('--came-of-age', 'screen only the persons who turned 18 since the last screening against every entry')
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { person?: string; reason?: string; pending?: boolean; cameOfAge?: boolean; data: string; json?: boolean }) => {
      if (opts.person && !opts.reason) throw new ValidationError('screening.reason_required', 'Screening one person needs --reason');
      const services = await openApp(configFromOptions(opts));
      const actor = systemActor('watchlist screening (cli)');
      const out = (v: unknown, text: string) => process.stdout.write(opts.json ? `${JSON.stringify(v)}\n` : text);
      try {
        if (opts.pending) {
          const hits = await services.screening.hits(actor, { status: 'pending', limit: 500, offset: 0 });
          out(
            hits,
            hits
              .map(
                (h) =>
                  `${h.id} person ${h.personId} (${h.personName ?? '?'}) ~ ${h.entry.source} ${h.entry.ref} ${h.entry.name}: ${h.evidence.name?.text ?? 'document number'}; birth ${h.evidence.birth.outcome}\n`,
              )
              .join('') || 'No hits pending review\n',
          );
        } else if (opts.cameOfAge) {
          const r = await services.screening.screenComingOfAge('cli:came_of_age');
          out(
            r,
            r.listUpdate
              ? `A list update was waiting and was screened; of it, ${r.screened} persons come of age: ${r.newHits} new hits\n`
              : `Screened ${r.screened} persons come of age (born after ${r.bornAfter ?? '-'}, up to ${r.bornUpTo ?? '-'}): ${r.candidates} candidates, ${r.newHits} new hits\n`,
          );
        } else if (opts.person) {
          const r = await services.screening.requestScreening(actor, opts.person, opts.reason!);
          out(r, `Screened ${r.personId}${r.minor ? ' (possible minor, on request)' : ''}: ${r.result.candidates} candidates, ${r.result.newHits} new hits\n`);
        } else {
          const t = Date.now();
          const r = await services.screening.screenAll('cli');
          out(
            { ...r, seconds: (Date.now() - t) / 1000 },
            `Screened ${r.screened} persons (${r.skippedMinors} possible minors skipped): ${r.candidates} candidates, ${r.newHits} new hits, ${r.refreshedHits} refreshed\n`,
          );
        }
      } finally {
        await services.close();
      }
    });
}
