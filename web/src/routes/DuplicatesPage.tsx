import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Badge, Button, Group, Loader, Paper, SegmentedControl, Stack, Table, Text, useMatches } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, apiPage } from '../lib/api';
import { dateTime, num } from '../lib/format';
import { ErrorNote } from '../components/Problems';
import { Link } from '../components/Link';
import { PageHeader } from '../components/PageHeader';
import { useSession } from '../lib/session';
import { QUEUE_TABS, STATUS_COLOR, type DuplicateCase, type QueueTab } from '../features/duplicates/duplicates.api';

const PAGE = 25;

/**
 * The duplicates queue: biometric duplicate-identity cases in the reader's scope (both persons visible), newest first,
 * "a-b of N" with Previous/Next through all. The records themselves are read only when a case is opened.
 */
export default function DuplicatesPage() {
  const { t } = useTranslation('duplicates');
  const [tab, setTab] = useState<QueueTab>('open');
  const [page, setPage] = useState(0);
  const queue = useQuery({
    queryKey: ['duplicates', tab, page],
    queryFn: () => apiPage<DuplicateCase>(`/biometrics/duplicates?${tab === 'all' ? '' : `status=${tab}&`}limit=${PAGE}&offset=${page * PAGE}`),
    placeholderData: keepPreviousData,
  });
  // Four tabs do not fit side by side on a phone: one under the other there.
  const orientation = useMatches<'vertical' | 'horizontal'>({ base: 'vertical', sm: 'horizontal' });
  // At headquarters, persons enrolled at two sites are cases of their own (issue 22): an unscoped registrar is told
  // how many are open (the total alone, which reads no record) and led to them. Elsewhere the total is 0.
  const session = useSession();
  const unscoped = session.facilityIds.length === 0 && session.nationalities.length === 0;
  const acrossSites = useQuery({
    queryKey: ['sync', 'identity-cases', 'open-total'],
    queryFn: () => api<{ total: number }>('/sync/identity-cases?status=open&limit=0'),
    enabled: unscoped,
    retry: false,
  });
  const acrossTotal = acrossSites.data?.total ?? 0;
  const rows = queue.data?.rows ?? [];
  const total = queue.data?.total ?? 0;
  return (
    <Stack gap="md">
      <PageHeader title={t('title')} description={t('description')} />
      {acrossTotal > 0 && (
        <Link to="/sync/identity-cases" data-testid="duplicates-across-sites">
          {t('acrossSites', { count: acrossTotal, n: num(acrossTotal) })}
        </Link>
      )}
      <SegmentedControl
        value={tab}
        onChange={(v) => {
          setTab(v as QueueTab);
          setPage(0);
        }}
        data={QUEUE_TABS.map((v) => ({ value: v, label: t(`tab.${v}`) }))}
        orientation={orientation}
        fullWidth
        w={{ base: '100%', sm: 560 }}
        aria-label={t('tabLabel')}
        data-testid="duplicates-tabs"
      />
      <ErrorNote error={queue.error} what={t('queue')} />
      {queue.isPending && <Loader aria-label={t('loading')} />}
      {queue.data && (
        <Group gap="xs">
          <Text size="sm" data-testid="duplicates-count">
            {total === 0 ? t('none') : t('range', { from: num(page * PAGE + 1), to: num(page * PAGE + rows.length), total: num(total) })}
          </Text>
          {total > PAGE && (
            <>
              <Button size="xs" variant="default" disabled={page === 0} onClick={() => setPage((p) => Math.max(0, p - 1))} data-testid="duplicates-prev">
                {t('previous')}
              </Button>
              <Button size="xs" variant="default" disabled={(page + 1) * PAGE >= total} onClick={() => setPage((p) => p + 1)} data-testid="duplicates-next">
                {t('next')}
              </Button>
            </>
          )}
        </Group>
      )}
      {rows.length > 0 && (
        <Paper withBorder radius="md" style={{ overflowX: 'auto' }}>
          <Table data-testid="duplicates-list" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('col.opened')}</Table.Th>
                <Table.Th>{t('col.modality')}</Table.Th>
                <Table.Th>{t('col.score')}</Table.Th>
                <Table.Th>{t('col.status')}</Table.Th>
                <Table.Th visibleFrom="sm">{t('col.decided')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((c) => (
                <Table.Tr key={c.id} data-case-id={c.id}>
                  <Table.Td>
                    <Link to={`/duplicates/${c.id}`}>{dateTime(c.createdAt)}</Link>
                  </Table.Td>
                  <Table.Td>{t(`modality.${c.modality}`)}</Table.Td>
                  <Table.Td className="mono">{t('scoreOf', { score: num(Math.round(c.score * 100) / 100), threshold: num(c.threshold) })}</Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLOR[c.status as keyof typeof STATUS_COLOR] ?? 'gray'} variant="light" style={{ textTransform: 'none' }}>
                      {t(`status.${c.status}`, { defaultValue: c.status })}
                    </Badge>
                  </Table.Td>
                  <Table.Td visibleFrom="sm">{c.decision ? t('decidedBy', { by: c.decision.by ?? '–', at: dateTime(c.decision.at) }) : '–'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </Stack>
  );
}
