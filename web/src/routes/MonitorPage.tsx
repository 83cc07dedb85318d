import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert as MAlert, Badge, Button, Code, Group, Loader, Paper, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { api, type AuditVerify, type LedgerVerify, type StatusReport } from '../lib/api';
import { dateTime, num, shortHash } from '../lib/format';
import { Trans, useTranslation } from 'react-i18next';
import { i18next } from '../i18n';
import { useSession } from '../lib/session';
import { StatCard } from '../components/StatCard';
import { PageHeader } from '../components/PageHeader';
import { Panel } from '../components/Panel';
import { StatusTable } from '../components/StatusTable';
import { ErrorNote } from '../components/Problems';

/** How old the full walk under a tail check was when the check ran (server times: no browser clock involved). */
function age(fromIso: string, toIso: string): string {
  const minutes = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 60_000));
  if (minutes < 1) return i18next.t('monitor:age.underMinute');
  if (minutes < 90) return i18next.t('monitor:age.minutes', { n: num(minutes) });
  return i18next.t('monitor:age.hours', { n: num(Math.round(minutes / 60)) });
}

/**
 * What a chain check covered. A tail check re-verified the end of the last full walk and everything after it now;
 * anything older rests on that walk, whose time is shown, never passed off as checked now.
 */
function CheckedHow({ check, unit, testId }: { check: LedgerVerify | AuditVerify; unit: { one: string; many: string }; testId: string }) {
  const { t } = useTranslation('monitor');
  const count = 'checkedEvents' in check ? check.checkedEvents : check.checkedEntries;
  if (check.scope === 'full') {
    return (
      <Text size="sm" mt="xs" data-testid={testId}>
        {t('checked.full', { time: dateTime(check.checkedAt), n: num(count), unit: count === 1 ? unit.one : unit.many, ms: num(check.durationMs) })}
      </Text>
    );
  }
  // Tail checks count the checkpoint rows they re-hashed (one per chain that had reached one) among the checked.
  const ends = !check.tailFrom ? 0 : Array.isArray(check.tailFrom) ? check.tailFrom.filter((h) => h.seq > 0).length : check.tailFrom.seq > 0 ? 1 : 0;
  const newer = Math.max(0, count - ends);
  return (
    <Text size="sm" mt="xs" data-testid={testId}>
      <Trans
        t={t}
        i18nKey="checked.tail"
        values={{
          full: dateTime(check.fullCheckedAt),
          age: age(check.fullCheckedAt ?? check.checkedAt, check.checkedAt),
          time: dateTime(check.checkedAt),
          one: unit.one,
          newer: newer > 0 ? t('checked.newer', { n: num(newer), unit: newer === 1 ? unit.one : unit.many }) : t('checked.nothingNewer'),
        }}
        components={{ b: <b /> }}
      />
    </Text>
  );
}

/** For independent monitors: the ledger's proof of integrity and the counts, never a name. */
export default function MonitorPage() {
  const { t } = useTranslation('monitor');
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
        title={t('title')}
        description={t('intro')}
        actions={
          <Button variant="light" onClick={() => full.mutate()} loading={full.isPending} data-testid="verify-full">
            {t('verifyFull')}
          </Button>
        }
      />

      <ErrorNote error={ledger.error} what={t('what.ledger')} />
      <ErrorNote error={full.error} what={t('what.full')} />
      {ledger.isPending && (
        <Paper withBorder p="md" radius="md">
          <Group gap="sm">
            <Loader size="sm" aria-label={t('verifying')} />
            <Text>{t('verifyingLedger')}</Text>
          </Group>
        </Paper>
      )}
      {l && (
        <Panel
          title={t('ledger.title')}
          size="h4"
          testId="ledger-verify"
          aside={
            <Badge size="xl" color={l.ok ? 'teal' : 'red'} style={{ flexShrink: 0 }} data-testid="ledger-result">
              {l.ok ? t('intact') : t('broken')}
            </Badge>
          }
        >
          {!l.ok && (
            <MAlert color="red" title={t('ledger.bad')} mb="sm">
              <Code block>{JSON.stringify(l.firstBad, null, 2)}</Code>
            </MAlert>
          )}
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <StatCard label={t('ledger.events')} value={num(l.events)} testId="ledger-events" />
            <Paper withBorder p="sm" radius="md">
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                {t('ledger.head')}
              </Text>
              <Text className="mono" data-testid="ledger-head" style={{ overflowWrap: 'anywhere' }}>
                {l.ok ? l.head : '–'}
              </Text>
              <Text size="xs" c="dimmed">
                {t('ledger.compare')}
              </Text>
            </Paper>
          </SimpleGrid>
          {l.heads.length > 0 && (
            <Table mt="sm" data-testid="ledger-heads">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('ledger.site')}</Table.Th>
                  <Table.Th ta="end">{t('ledger.seq')}</Table.Th>
                  <Table.Th>{t('ledger.head')}</Table.Th>
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
          <CheckedHow check={l} unit={{ one: t('unit.event'), many: t('unit.events') }} testId="ledger-checked" />
          <Text size="xs" c="dimmed" mt="xs">
            <Trans t={t} i18nKey="ledger.offline" components={{ code: <Code /> }} />
          </Text>
        </Panel>
      )}

      {session.can('audit.read') && (
        <Panel
          title={t('audit.title')}
          size="h4"
          testId="audit-verify"
          description={t('audit.intro')}
          aside={
            audit.isPending ? (
              <Loader size="sm" aria-label={t('audit.verifying')} />
            ) : audit.data ? (
              <Badge size="xl" color={audit.data.ok ? 'teal' : 'red'} style={{ flexShrink: 0 }} data-testid="audit-result">
                {audit.data.ok ? t('intact') : t('broken')}
              </Badge>
            ) : null
          }
        >
          {audit.data && !audit.data.ok && (
            <MAlert color="red" title={t('audit.bad')} mt="sm">
              <Code block>{JSON.stringify(audit.data.firstBad, null, 2)}</Code>
            </MAlert>
          )}
          {audit.data && (
            <Text size="sm" mt="xs" data-testid="audit-entries">
              {t('audit.entries', { n: num(audit.data.entries) })}
              {audit.data.ok ? (
                <>
                  {' '}
                  · {t('audit.head')} <span className="mono">{shortHash(audit.data.head.hash)}</span>
                </>
              ) : null}
            </Text>
          )}
          {audit.data && <CheckedHow check={audit.data} unit={{ one: t('unit.entry'), many: t('unit.entries') }} testId="audit-checked" />}
          <ErrorNote error={audit.error} />
        </Panel>
      )}

      {report.data && (
        <Panel title={t('counts.title')} size="h4" description={t('counts.intro')}>
          <StatusTable report={report.data} testId="monitor-counts" minors />
        </Panel>
      )}
    </Stack>
  );
}
