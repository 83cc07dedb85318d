/**
 * Failpoints for crash tests: `CUSTOS_FAILPOINTS=name[,name...]` makes the process kill itself with SIGKILL when it
 * reaches a named point, exactly as `kill -9` would at that moment (no exit handlers, no flush). Unset in production;
 * a failpoint that is not armed costs one Set lookup.
 *
 * Points: `outbox.after_commit:<type@version>` (right after a transaction that wrote such an event committed, before
 * any reaction ran).
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
