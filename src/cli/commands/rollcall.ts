import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { ValidationError } from '../../platform/errors';
import { configFromOptions, openApp } from '../../main';
import { systemActor, type Actor } from '../../modules/access';
import { findFacilityByCode, findUnitByCode, listUnits } from '../../modules/facilities';
import { CancelRollcallBody, MarksBody } from '../../modules/rollcalls';
import type { Services } from '../../services';

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * Who the command acts as: the user named by `--as` or CUSTOS_OPERATOR (validated: an active user, with that user's
 * role and scope, recorded on the roll call, its marks and ledger events and in the audit log); without one, the
 * system, named after the operating-system user who ran it (recorded in the audit log only).
 */
async function cliActor(services: Services, as: string | undefined): Promise<Actor> {
  const operator = as ?? process.env.CUSTOS_OPERATOR;
  if (operator) return services.access.operatorActor(operator, 'roll call (cli)');
  return systemCliActor();
}

function systemCliActor(): Actor {
  let who = 'unknown';
  try {
    who = userInfo().username;
  } catch {
    // no passwd entry (containers): keep "unknown"
  }
  return { ...systemActor('rollcall_cli'), username: `cli:${who}` };
}

async function withServices<T>(opts: { data: string }, run: (s: Services) => Promise<T>): Promise<T> {
  const services = await openApp(configFromOptions(opts));
  try {
    return await run(services);
  } finally {
    await services.close();
  }
}

const HEADER_ALIASES: Record<string, string> = {
  personid: 'personId',
  person_id: 'personId',
  person: 'personId',
  result: 'result',
  reason: 'reason',
  note: 'note',
  method: 'method',
  verificationref: 'verificationRef',
  verification_ref: 'verificationRef',
  unit: 'unit',
  unitid: 'unit',
  unit_id: 'unit',
  id: 'id',
  markid: 'id',
  markedat: 'markedAt',
  marked_at: 'markedAt',
};

/**
 * Reads marks from a CSV with a header row: personId,result[,reason,note,method,verificationRef,unit,id,markedAt]
 * (unit as a code or an id). Every row is checked before anything is sent; errors name the line.
 */
export async function marksFromCsv(services: Services, facilityId: string, text: string) {
  const records = parse(text, {
    columns: (h: string[]) => h.map((c) => HEADER_ALIASES[c.trim().toLowerCase()] ?? c.trim()),
    skip_empty_lines: true,
    trim: true,
    comment: '#',
    bom: true,
  }) as Record<string, string>[];
  const units = new Map(
    (await listUnits(services.database.db, facilityId)).flatMap(
      (u) =>
        [
          [u.code, u.id],
          [u.id, u.id],
        ] as [string, string][],
    ),
  );
  const marks = records.map((row, i) => {
    const unit = row.unit ? units.get(row.unit) : undefined;
    if (row.unit && !unit) throw new ValidationError('rollcall.csv_unknown_unit', `Line ${i + 2}: no unit ${row.unit} in this facility`);
    const mark = Object.fromEntries(
      Object.entries({
        id: row.id,
        personId: row.personId,
        result: row.result?.toLowerCase(),
        reason: row.reason?.toLowerCase(),
        note: row.note,
        method: row.method?.toLowerCase(),
        verificationRef: row.verificationRef,
        unitId: unit,
        markedAt: row.markedAt,
      }).filter(([, v]) => v !== undefined && v !== ''),
    );
    const checked = MarksBody.shape.marks.element.safeParse(mark);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      throw new ValidationError('rollcall.csv_bad_row', `Line ${i + 2}: ${issue.path.join('.') || 'row'}: ${issue.message}`);
    }
    return checked.data;
  });
  return marks;
}

function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

async function unitCodes(services: Services, facilityId: string): Promise<Map<string, string>> {
  return new Map((await listUnits(services.database.db, facilityId)).map((u) => [u.id, u.code]));
}

/** Every expected person of the roll call with name and unit, read page by page (each page is audited). */
async function sheetOf(services: Services, actor: Actor, rollcallId: string) {
  const rows = new Map<string, { personId: string; name: string | null; unitId: string | null }>();
  for (let offset = 0; ; offset += 1000) {
    const page = (await services.rollcalls.get(actor, rollcallId, { offset, limit: 1000 })).persons ?? [];
    for (const p of page) rows.set(p.personId, { personId: p.personId, name: p.name, unitId: p.unitId });
    if (page.length < 1000) return rows;
  }
}

export function register(program: Command): void {
  const rollcall = program.command('rollcall').description('Roll calls for sites without the web UI: open, mark from a CSV, close, cancel');

  rollcall
    .command('open')
    .description('Open a roll call of a facility (or of some units and their sub-units); prints its id')
    .requiredOption('--facility <code>', 'facility code')
    .option('--unit <code>', 'unit code (repeatable); default the whole facility', collect, [])
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .option('--as <username>', 'act as this user (default: CUSTOS_OPERATOR), recorded on the events')
    .option('--json', 'print the roll call as JSON')
    .action(async (opts: { facility: string; unit: string[]; data: string; json?: boolean; as?: string }) => {
      await withServices(opts, async (services) => {
        const facility = await findFacilityByCode(services.database.db, opts.facility);
        if (!facility) throw new ValidationError('rollcall.unknown_facility', `No facility with code ${opts.facility}`);
        const unitIds: string[] = [];
        for (const code of opts.unit) {
          const unit = await findUnitByCode(services.database.db, facility.id, code);
          if (!unit) throw new ValidationError('rollcall.unknown_unit', `No unit ${code} in ${facility.code}`);
          unitIds.push(unit.id);
        }
        const rc = await services.rollcalls.open(await cliActor(services, opts.as), { facilityId: facility.id, unitIds });
        process.stdout.write(opts.json ? `${JSON.stringify(rc)}\n` : `Roll call ${rc.id} open at ${facility.code}: ${rc.expected} expected\n`);
      });
    });

  rollcall
    .command('mark')
    .description(
      'Record marks from a CSV (header: personId,result[,reason,note,method,verificationRef,unit,id,markedAt]); re-running the same file records nothing twice',
    )
    .argument('<rollcall>', 'roll call id')
    .argument('<file>', 'CSV file')
    .option('--batch <n>', 'marks per transaction', '1000')
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .option('--as <username>', 'act as this user (default: CUSTOS_OPERATOR), recorded on the events')
    .action(async (rollcallId: string, file: string, opts: { batch: string; data: string; as?: string }) => {
      await withServices(opts, async (services) => {
        const actor = await cliActor(services, opts.as);
        const rc = await services.rollcalls.get(actor, rollcallId, { offset: 0, limit: 0 });
        const marks = await marksFromCsv(services, rc.facilityId, readFileSync(file, 'utf8'));
        const size = Math.max(1, Math.min(10_000, Number(opts.batch) || 1000));
        let recorded = 0;
        let duplicates = 0;
        const misplaced = new Set<string>();
        for (let i = 0; i < marks.length; i += size) {
          const receipt = await services.rollcalls.mark(actor, rollcallId, { marks: marks.slice(i, i + size) });
          recorded += receipt.recorded;
          duplicates += receipt.duplicates;
          for (const p of receipt.misplaced) misplaced.add(p);
        }
        process.stdout.write(`${marks.length} marks read: ${recorded} recorded, ${duplicates} already recorded, ${misplaced.size} misplaced\n`);
      });
    });

  rollcall
    .command('close')
    .description(
      'Close a roll call: prints expected, present, excused, Delta, how many present were verified biometrically, the unaccounted and the alerts raised',
    )
    .argument('<rollcall>', 'roll call id')
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .option('--as <username>', 'act as this user (default: CUSTOS_OPERATOR), recorded on the events')
    .option('--json', 'print the result as JSON')
    .action(async (rollcallId: string, opts: { data: string; json?: boolean; as?: string }) => {
      await withServices(opts, async (services) => {
        const actor = await cliActor(services, opts.as);
        const result = await services.rollcalls.close(actor, rollcallId);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(result)}\n`);
          return;
        }
        process.stdout.write(
          `Roll call ${rollcallId} closed: expected ${result.expected}, present ${result.present}, excused ${result.excused}, DELTA ${result.delta}` +
            `, misplaced ${result.misplaced.length}` +
            `; verified biometrically ${result.biometric.total} of ${result.present} present (face ${result.biometric.face}, fingerprint ${result.biometric.fingerprint})\n`,
        );
        // the missing as people a guard can look for: name, birth as recorded, unit (the reads are audited)
        const rc = await services.rollcalls.get(actor, rollcallId, { offset: 0, limit: 0 });
        const units = await unitCodes(services, rc.facilityId);
        const sheet = await sheetOf(services, actor, rollcallId);
        const births = await services.registry.birthLabels(actor, result.unaccounted);
        for (const p of result.unaccounted) {
          const row = sheet.get(p);
          process.stdout.write(`unaccounted\t${p}\t${row?.name ?? ''}\t${births.get(p) ?? 'unknown'}\t${(row?.unitId && units.get(row.unitId)) || ''}\n`);
        }
        for (const m of result.misplaced) process.stdout.write(`misplaced\t${m.personId}\t${m.seenUnitId ?? ''}\n`);
        for (const a of result.alerts) process.stdout.write(`alert\t${a.severity}\t${a.rule}\t${a.id}\n`);
      });
    });

  rollcall
    .command('expected')
    .description('The persons a roll call expects, by unit: with --csv a marks.csv template for `custos rollcall mark` (fill in result)')
    .argument('<rollcall>', 'roll call id')
    .option('--csv', 'print a marks.csv template: personId,name,birth,unit,result,reason,method')
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .option('--as <username>', 'act as this user (default: CUSTOS_OPERATOR)')
    .action(async (rollcallId: string, opts: { data: string; csv?: boolean; as?: string }) => {
      await withServices(opts, async (services) => {
        const actor = await cliActor(services, opts.as);
        const rc = await services.rollcalls.get(actor, rollcallId, { offset: 0, limit: 0 });
        const units = await unitCodes(services, rc.facilityId);
        const sheet = [...(await sheetOf(services, actor, rollcallId)).values()];
        const births = await services.registry.birthLabels(
          actor,
          sheet.map((r) => r.personId),
        );
        const rows = sheet
          .map((r) => ({ ...r, unit: (r.unitId && units.get(r.unitId)) || '', birth: births.get(r.personId) ?? 'unknown' }))
          .sort((a, b) => a.unit.localeCompare(b.unit, undefined, { numeric: true }) || (a.name ?? '').localeCompare(b.name ?? ''));
        if (opts.csv) {
          // unit as its code: `rollcall mark` reads codes; name and birth are for the person marking, ignored on reading
          process.stdout.write('personId,name,birth,unit,result,reason,method\n');
          for (const r of rows) process.stdout.write(`${[r.personId, r.name ?? '', r.birth, r.unit, '', '', ''].map(csvCell).join(',')}\n`);
          return;
        }
        process.stdout.write(`Roll call ${rollcallId}: ${rows.length} expected\n`);
        for (const r of rows) process.stdout.write(`${r.unit}\t${r.personId}\t${r.name ?? ''}\t${r.birth}\n`);
      });
    });

  rollcall
    .command('cancel')
    .description('Cancel an open roll call opened by mistake: no Delta, no ledger events; its units can be counted again')
    .argument('<rollcall>', 'roll call id')
    .requiredOption('--reason <text>', 'why it is cancelled rather than closed (kept in the audit log)')
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .option('--as <username>', 'act as this user (default: CUSTOS_OPERATOR), recorded on the events')
    .action(async (rollcallId: string, opts: { data: string; reason: string; as?: string }) => {
      await withServices(opts, async (services) => {
        const body = CancelRollcallBody.safeParse({ reason: opts.reason });
        if (!body.success) throw new ValidationError('rollcall.cancel_needs_reason', 'A cancellation needs a reason of 3 to 500 characters');
        const view = await services.rollcalls.cancel(await cliActor(services, opts.as), rollcallId, body.data);
        process.stdout.write(
          `Roll call ${rollcallId} cancelled (${view.cancelled?.reason}); ${view.expected} were expected, nothing was recorded in the ledger\n`,
        );
      });
    });
}
