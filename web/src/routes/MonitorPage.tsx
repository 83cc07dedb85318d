import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert as MAlert, Badge, Button, Code, Group, Loader, Paper, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { api, type AuditVerify, type LedgerVerify, type StatusReport } from '../lib/api';
import { dateTime, num, shortHash } from '../lib/format';
import { useSession } from '../lib/session';
import { StatCard } from '../components/StatCard';
import { PageHeader } from '../components/PageHeader';
import { Panel } from '../components/Panel';
import { StatusTable } from '../components/StatusTable';
import { ErrorNote } from '../components/Problems';

/** How old the full walk under a tail check was when the check ran (server times: no browser clock involved). */
function age(fromIso: string, toIso: string): string {
  const minutes = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 60_000));
  if (minutes < 1) return 'less than a minute';
  if (minutes < 90) return `${minutes} min`;
  return `${Math.round(minutes / 60)} h`;
}

/**
 * What a chain check covered. A tail check re-verified the end of the last full walk and everything after it now;
 * anything older rests on that walk, whose time is shown, never passed off as checked now.
 */
function CheckedHow({ check, unit, testId }: { check: LedgerVerify | AuditVerify; unit: { one: string; many: string }; testId: string }) {
  const count = 'checkedEvents' in check ? check.checkedEvents : check.checkedEntries;
  if (check.scope === 'full') {
    return (
      <Text size="sm" mt="xs" data-testid={testId}>
        Whole chain verified at {dateTime(check.checkedAt)}: {num(count)} {count === 1 ? unit.one : unit.many} rehashed in {num(check.durationMs)} ms.
      </Text>
    );
  }
  // Tail checks count the checkpoint rows they re-hashed (one per chain that had reached one) among the checked.
  const ends = !check.tailFrom ? 0 : Array.isArray(check.tailFrom) ? check.tailFrom.filter((h) => h.seq > 0).length : check.tailFrom.seq > 0 ? 1 : 0;
  const newer = Math.max(0, count - ends);
  return (
    <Text size="sm" mt="xs" data-testid={testId}>
      Whole chain last verified at <b>{dateTime(check.fullCheckedAt)}</b> ({age(check.fullCheckedAt ?? check.checkedAt, check.checkedAt)} before this check). At{' '}
      {dateTime(check.checkedAt)} its last {unit.one} was re-checked unchanged
      {newer > 0 ? ` and the ${num(newer)} newer ${newer === 1 ? unit.one : unit.many} verified` : ', with nothing newer'}. A change to an older {unit.one}{' '}
      shows at the next full verification (the server runs one every 10 minutes by default), or now with the button above.
    </Text>
  );
}

/** For independent monitors: the ledger's proof of integrity and the counts, never a name. */
export default function MonitorPage() {
  const session = useSession();
  const queryClient = useQueryClient();
  // Tail checks: fast whatever the length of the chains, resting on the server's periodic full walks.
  const ledger = useQuery({ queryKey: ['ledger', 'verify'], queryFn: () => api<LedgerVerify>('/ledger/verify?scope=tail'), staleTime: 0 });
  const audit = useQuery({
    queryKey: ['audit', 'verify'],
    queryFn: () => api<AuditVerify>('/audit/verify?scope=tail'),
    enabled: session.can('audit.read'),
    staleTime: 0,
  });
  const report = useQuery({ queryKey: ['reports', 'status'], queryFn: () => api<StatusReport>('/reports/status'), enabled: session.can('reports.read') });
  const full = useMutation({
    mutationFn: async () => {
      const [l, a] = await Promise.all([
        api<LedgerVerify>('/ledger/verify?scope=full'),
        session.can('audit.read') ? api<AuditVerify>('/audit/verify?scope=full') : Promise.resolve(undefined),
      ]);
      queryClient.setQueryData(['ledger', 'verify'], l);
      if (a) queryClient.setQueryData(['audit', 'verify'], a);
    },
  });
  const l = ledger.data;

  return (
    <Stack gap="md">
      <PageHeader
        title="Monitor"
        description="Check that nobody disappeared from the record: the ledger's hash chains, their heads and the counts they give."
        actions={
          <Button variant="light" onClick={() => full.mutate()} loading={full.isPending} data-testid="verify-full">
            Verify the whole chains now
          </Button>
        }
      />

      <ErrorNote error={ledger.error} what="the ledger check" />
      <ErrorNote error={full.error} what="the full verification" />
      {ledger.isPending && (
        <Paper withBorder p="md" radius="md">
          <Group gap="sm">
            <Loader size="sm" aria-label="Verifying" />
            <Text>Verifying the ledger's hash chains…</Text>
          </Group>
        </Paper>
      )}
      {l && (
        <Panel
          title="Custody ledger"
          size="h4"
          testId="ledger-verify"
          aside={
            <Badge size="xl" color={l.ok ? 'teal' : 'red'} data-testid="ledger-result">
              {l.ok ? 'Intact' : 'Broken'}
            </Badge>
          }
        >
          {!l.ok && (
            <MAlert color="red" title="The chain does not verify" mb="sm">
              <Code block>{JSON.stringify(l.firstBad, null, 2)}</Code>
            </MAlert>
          )}
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <StatCard label="Events in the chains" value={num(l.events)} testId="ledger-events" />
            <Paper withBorder p="sm" radius="md">
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                Head hash
              </Text>
              <Text className="mono" data-testid="ledger-head" style={{ overflowWrap: 'anywhere' }}>
                {l.ok ? l.head : '–'}
              </Text>
              <Text size="xs" c="dimmed">
                Compare with the head published to you; a different head means the record changed.
              </Text>
            </Paper>
          </SimpleGrid>
          {l.heads.length > 0 && (
            <Table mt="sm" data-testid="ledger-heads">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Site</Table.Th>
                  <Table.Th ta="end">Events (seq)</Table.Th>
                  <Table.Th>Head hash</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {l.heads.map((h) => (
                  <Table.Tr key={h.siteId}>
                    <Table.Td>{h.siteId}</Table.Td>
                    <Table.Td ta="end" className="num">
                      {num(h.seq)}
                    </Table.Td>
                    <Table.Td className="mono">{h.hash}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <CheckedHow check={l} unit={{ one: 'event', many: 'events' }} testId="ledger-checked" />
          <Text size="xs" c="dimmed" mt="xs">
            The full check also runs offline with <Code>custos ledger verify</Code>.
          </Text>
        </Panel>
      )}

      {session.can('audit.read') && (
        <Panel
          title="Audit log"
          size="h4"
          testId="audit-verify"
          description="Every read of a person record and every change, hash-chained like the ledger."
          aside={
            audit.isPending ? (
              <Loader size="sm" aria-label="Verifying the audit log" />
            ) : audit.data ? (
              <Badge size="xl" color={audit.data.ok ? 'teal' : 'red'} data-testid="audit-result">
                {audit.data.ok ? 'Intact' : 'Broken'}
              </Badge>
            ) : null
          }
        >
          {audit.data && !audit.data.ok && (
            <MAlert color="red" title="The audit chain does not verify" mt="sm">
              <Code block>{JSON.stringify(audit.data.firstBad, null, 2)}</Code>
            </MAlert>
          )}
          {audit.data && (
            <Text size="sm" mt="xs" data-testid="audit-entries">
              {num(audit.data.entries)} entries
              {audit.data.ok ? (
                <>
                  {' '}
                  · head <span className="mono">{shortHash(audit.data.head.hash)}</span>
                </>
              ) : null}
            </Text>
          )}
          {audit.data && <CheckedHow check={audit.data} unit={{ one: 'entry', many: 'entries' }} testId="audit-checked" />}
          <ErrorNote error={audit.error} />
        </Panel>
      )}

      {report.data && (
        <Panel title="Counts by facility and status" size="h4" description="Counts only: no names or identities are shown here.">
          <StatusTable report={report.data} testId="monitor-counts" minors />
        </Panel>
      )}
    </Stack>
  );
}
