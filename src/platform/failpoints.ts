/**
 * Failpoints for crash tests: `CUSTOS_FAILPOINTS=name[,name...]` makes the process kill itself with SIGKILL when it
 * reaches a named point, exactly as `kill -9` would at that moment (no exit handlers, no flush). Unset in production;
 * a failpoint that is not armed costs one Set lookup.
 *
 * Points: `outbox.after_commit:<type@version>` (right after a transaction that wrote such an event committed, before
 * any reaction ran); inside a roll call's close transaction, `rollcall.close:claimed` (the roll call taken),
 * `rollcall.close:ledger_appended` (its UNACCOUNTED and ACCOUNTED events written) and `rollcall.close:stored` (result,
 * absences, Delta history and audit row written, before the outbox rows and the commit).
 */
const armed = new Set(
  (process.env.CUSTOS_FAILPOINTS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

export function failpoint(name: string): void {
  if (armed.size > 0 && armed.has(name)) process.kill(process.pid, 'SIGKILL');
}
