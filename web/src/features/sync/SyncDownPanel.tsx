import { Badge, Paper, SimpleGrid, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { dateTime, num } from '../../lib/format';
import { StatCard } from '../../components/StatCard';
import { ageOf, type SyncStatus } from './sync.api';

/**
 * The way down (headquarters to sites) and the epochs: at a site, what it applied and whether it fell behind its
 * stream; at headquarters, each site's down stream and how a restored site's epochs compare. Own namespace (syncdown).
 */
export function SyncDownPanel({ s }: { s: SyncStatus }) {
  const { t } = useTranslation('syncdown');
  const down = s.down;
  const lastAge = ageOf(down.appliedAt, s.now);
  return (
    <>
      <Paper withBorder p="sm" radius="md" data-testid="sync-down">
        <Title order={2} size="h4" mb="xs">
          {t('site.title')}
        </Title>
        <SimpleGrid cols={{ base: 2, sm: 3 }}>
          <StatCard label={t('site.applied')} value={num(down.appliedCount)} hint={t(`ago.${lastAge.unit}`, { count: lastAge.n, n: num(lastAge.n) })} />
          <StatCard label={t('site.place')} value={num(down.streamSeq)} />
          <StatCard
            label={t('site.epoch')}
            value={num(s.site.epoch)}
            hint={s.epochs.length > 0 ? t('site.restored', { count: s.epochs.length, n: num(s.epochs.length) }) : t('site.never')}
          />
        </SimpleGrid>
        {down.behindFrom !== null && down.behindFrom !== undefined && (
          <Text c="orange" mt="xs" data-testid="sync-down-behind">
            {t('site.behind', { from: num(down.behindFrom) })}
          </Text>
        )}
      </Paper>
      {(s.hq.down.length > 0 || s.hq.epochChecks.length > 0) && (
        <Paper withBorder p="sm" radius="md">
          <Title order={2} size="h4" mb="xs">
            {t('hq.title', { n: num(s.hq.downItems) })}
          </Title>
          <Table striped data-testid="sync-down-sites">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('hq.site')}</Table.Th>
                <Table.Th>{t('hq.published')}</Table.Th>
                <Table.Th>{t('hq.pending')}</Table.Th>
                <Table.Th>{t('hq.at')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {s.hq.down.map((d) => (
                <Table.Tr key={d.siteId}>
                  <Table.Td>{d.siteId}</Table.Td>
                  <Table.Td className="num">{num(d.publishedId)}</Table.Td>
                  <Table.Td className="num">{d.pending > 0 ? <Badge color="orange">{num(d.pending)}</Badge> : num(0)}</Table.Td>
                  <Table.Td>{dateTime(d.publishedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {s.hq.epochChecks.map((c) => (
            <Text key={`${c.siteId}-${c.epoch}`} mt="xs" c={c.divergedAt !== null ? 'red' : undefined} data-testid="sync-epoch-check">
              {c.divergedAt !== null
                ? t('hq.parted', { site: c.siteId, epoch: c.epoch, previous: c.previousEpoch, seq: num(c.divergedAt), beyond: num(c.previousBeyond) })
                : t('hq.agree', { site: c.siteId, epoch: c.epoch, previous: c.previousEpoch, seq: num(c.agreedSeq) })}
            </Text>
          ))}
        </Paper>
      )}
    </>
  );
}
