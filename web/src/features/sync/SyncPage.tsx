import { Alert, Badge, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { dateTime, num, shortHash } from '../../lib/format';
import { PageHeader } from '../../components/PageHeader';
import { StatCard } from '../../components/StatCard';
import { ErrorNote } from '../../components/Problems';
import { Link } from '../../components/Link';
import { useSession } from '../../lib/session';
import { ageOf, useSyncStatus } from './sync.api';
import { SyncDownPanel } from './SyncDownPanel';

/** Sites and headquarters: this site's events not yet receipted, and at headquarters each site's replicated chain. */
export default function SyncPage() {
  const { t } = useTranslation('sync');
  const { t: ti } = useTranslation('syncIdentity');
  const session = useSession();
  const status = useSyncStatus();
  const s = status.data;
  // Identity cases across sites are headquarters' and read by unscoped accounts only (the API refuses the others).
  const identityCases = s?.role === 'hq' && session.can('biometrics.read') && session.facilityIds.length === 0 && session.nationalities.length === 0;
  const age = s ? ageOf(s.site.lastReceiptAt, s.now) : null;
  const ago = age ? t(`ago.${age.unit}`, { count: age.n, n: num(age.n) }) : '';
  /** How long since headquarters last heard from a site: its lag as the monitor reads it. */
  const lagText = (at: string | null | undefined) => {
    if (!s) return '';
    const a = ageOf(at, s.now);
    return t(`ago.${a.unit}`, { count: a.n, n: num(a.n) });
  };

  return (
    <Stack gap="md">
      <PageHeader title={t('title')} description={t('description')} />
      <ErrorNote error={status.error} what={t('what')} />
      {status.isLoading && <Loader />}
      {s && (
        <>
          {s.role === null && <Alert color="gray">{t('off')}</Alert>}
          <Text size="lg" fw={600} data-testid="sync-line">
            {t('line', { ago, pending: num(s.site.pending), count: s.site.pending })}
          </Text>
          <SimpleGrid cols={{ base: 2, sm: 4 }}>
            <StatCard label={t('stats.pending')} value={num(s.site.pending)} color={s.site.pending > 0 ? 'orange' : undefined} testId="sync-pending" />
            <StatCard label={t('stats.written')} value={num(s.site.head)} hint={t('stats.site', { site: s.site.siteId, epoch: s.site.epoch })} />
            <StatCard label={t('stats.published')} value={num(s.site.published)} hint={dateTime(s.site.publishedAt)} />
            <StatCard label={t('stats.receipted')} value={num(s.site.receipted)} hint={shortHash(s.site.receiptHash)} />
          </SimpleGrid>
          {s.hq.sites.length > 0 && (
            <Paper withBorder p="sm" radius="md">
              <Title order={2} size="h4" mb="xs">
                {t('hq.title')}
              </Title>
              <Table striped data-testid="sync-sites">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('hq.site')}</Table.Th>
                    <Table.Th>{t('hq.epoch')}</Table.Th>
                    <Table.Th>{t('hq.held')}</Table.Th>
                    <Table.Th>{t('hq.head')}</Table.Th>
                    <Table.Th>{t('hq.last')}</Table.Th>
                    <Table.Th>{t('hq.lag')}</Table.Th>
                    <Table.Th>{t('hq.state')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {s.hq.sites.map((h) => (
                    <Table.Tr key={`${h.siteId}-${h.epoch}`}>
                      <Table.Td>{h.siteId}</Table.Td>
                      <Table.Td className="num">{num(h.epoch)}</Table.Td>
                      <Table.Td className="num">{num(h.contiguousSeq)}</Table.Td>
                      <Table.Td className="num">{shortHash(h.contiguousHash)}</Table.Td>
                      <Table.Td>{dateTime(h.lastReceivedAt)}</Table.Td>
                      <Table.Td data-testid="sync-lag">{lagText(h.lastReceivedAt)}</Table.Td>
                      <Table.Td>
                        {h.forks > 0 ? (
                          <Badge color="red">{t('hq.forks', { count: h.forks, n: num(h.forks) })}</Badge>
                        ) : h.highestSeenSeq > h.contiguousSeq ? (
                          <Badge color="orange">{t('hq.gap', { from: num(h.contiguousSeq + 1), to: num(h.highestSeenSeq) })}</Badge>
                        ) : (
                          <Badge color="teal">{t('hq.ok')}</Badge>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Paper>
          )}
          <SyncDownPanel s={s} />
          {identityCases && (
            <Paper withBorder p="sm" radius="md" data-testid="sync-identity">
              <Group justify="space-between" align="flex-end">
                <div>
                  <Title order={2} size="h4" mb={4}>
                    {ti('fromSync.title')}
                  </Title>
                  <Text size="sm" c="dimmed">
                    {ti('fromSync.text')}
                  </Text>
                </div>
                <Link to="/sync/identity-cases" data-testid="sync-identity-link">
                  {ti('fromSync.link')}
                </Link>
              </Group>
            </Paper>
          )}
        </>
      )}
    </Stack>
  );
}
