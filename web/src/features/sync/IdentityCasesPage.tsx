import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Badge, Button, Group, Loader, Paper, SegmentedControl, Stack, Table, Text, useMatches } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { num } from '../../lib/format';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { Link } from '../../components/Link';
import { Name } from '../../components/Name';
import { PageHeader } from '../../components/PageHeader';
import { ageOf } from './sync.api';
import { fetchIdentityCases, IDENTITY_STATUS_COLOR, IDENTITY_TABS, type IdentityCase, type IdentityRecord, type IdentityTab } from './identity.api';
import { ratioOf } from './identity.logic';

const PAGE = 25;

/**
 * Headquarters' identity cases: one person, it seems, enrolled at two sites while both were offline. Oldest first,
 * "a–b of N" with Previous/Next through all; a person decides each one on its own page. Unscoped accounts only: a
 * scoped one reads the API's refusal here.
 */
export default function IdentityCasesPage() {
  const { t } = useTranslation('syncIdentity');
  const [tab, setTab] = useState<IdentityTab>('open');
  const [page, setPage] = useState(0);
  const list = useQuery({
    queryKey: ['sync', 'identity-cases', tab, page],
    queryFn: () => fetchIdentityCases(tab, page * PAGE, PAGE),
    placeholderData: keepPreviousData,
    retry: false,
  });
  // Four choices do not fit side by side on a phone: one under the other there.
  const orientation = useMatches<'vertical' | 'horizontal'>({ base: 'vertical', sm: 'horizontal' });
  const rows = list.data?.rows ?? [];
  const total = list.data?.total ?? 0;
  // the range of the rows on screen, from the answer that holds them: while the next page loads, the previous page's
  // rows stay (keepPreviousData) and so does their range
  const shownFrom = list.data?.offset ?? 0;
  // ages from the server's clock (a scenario clock in the demo, and a device's clock may be wrong)
  const now = list.data?.now ?? new Date().toISOString();
  return (
    <Stack gap="md">
      <PageHeader title={t('title')} description={t('description')} actions={<Link to="/sync">{t('backToSync')}</Link>} />
      <SegmentedControl
        value={tab}
        onChange={(v) => {
          setTab(v as IdentityTab);
          setPage(0);
        }}
        data={IDENTITY_TABS.map((v) => ({ value: v, label: t(`tab.${v}`) }))}
        orientation={orientation}
        fullWidth
        w={{ base: '100%', sm: 560 }}
        aria-label={t('tabLabel')}
        data-testid="identity-tabs"
      />
      <ApiErrorAlert error={list.error} title={t('couldNotLoad')} testId="identity-error" />
      {list.isPending && <Loader aria-label={t('loading')} />}
      {list.data && (
        <Group gap="xs">
          <Text size="lg" fw={600} data-testid="identity-total" data-total={total}>
            {t('total', { count: total, n: num(total) })}
          </Text>
          {total > 0 && (
            <Text size="sm" c="dimmed" data-testid="identity-range">
              {t('range', { from: num(shownFrom + 1), to: num(shownFrom + rows.length), total: num(total) })}
            </Text>
          )}
          {total > PAGE && (
            <>
              <Button size="xs" variant="default" disabled={page === 0} onClick={() => setPage((p) => Math.max(0, p - 1))} data-testid="identity-prev">
                {t('previous')}
              </Button>
              <Button size="xs" variant="default" disabled={(page + 1) * PAGE >= total} onClick={() => setPage((p) => p + 1)} data-testid="identity-next">
                {t('next')}
              </Button>
            </>
          )}
        </Group>
      )}
      {list.data && total === 0 && <Text c="dimmed">{t('none')}</Text>}
      {rows.length > 0 && (
        <Paper withBorder radius="md" style={{ overflowX: 'auto' }}>
          <Table data-testid="identity-list" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('col.records')}</Table.Th>
                <Table.Th visibleFrom="sm">{t('col.basis')}</Table.Th>
                <Table.Th visibleFrom="sm">{t('col.fused')}</Table.Th>
                <Table.Th visibleFrom="sm">{t('col.age')}</Table.Th>
                <Table.Th>{t('col.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((c) => (
                <CaseRow key={c.id} c={c} now={now} />
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </Stack>
  );
}

function CaseRow({ c, now }: { c: IdentityCase; now: string }) {
  const { t } = useTranslation('syncIdentity');
  const age = ageOf(c.createdAt, now);
  const ratio = ratioOf(c.evidence.log10Lr);
  const basis = (
    <>
      {t(`basis.${c.basis}`)}
      <Text span size="xs" c="dimmed" className="mono">
        {' '}
        {num(Math.round(c.score * 100) / 100)}
      </Text>
    </>
  );
  const fused = ratio ? t(`ratioShort.${ratio.way}`, { n: num(ratio.times) }) : t('notCompared');
  const ago = t(`ago.${age.unit}`, { count: age.n, n: num(age.n) });
  const side = (r: IdentityRecord | null) =>
    r ? (
      <Group gap={6} wrap="nowrap" align="flex-start">
        <Badge variant="outline" size="sm" style={{ textTransform: 'none', flexShrink: 0 }}>
          {r.siteId}
        </Badge>
        <Name size="sm">{r.names[0] ?? '–'}</Name>
      </Group>
    ) : (
      <Text size="sm" c="dimmed">
        {t('missingRecord')}
      </Text>
    );
  return (
    <Table.Tr data-testid="identity-row" data-case-id={c.id} data-status={c.status}>
      <Table.Td>
        <Link to={`/sync/identity-cases/${c.id}`} data-testid="identity-open">
          <Stack gap={2}>
            {side(c.a)}
            {side(c.b)}
          </Stack>
        </Link>
        {/* on a phone the other columns are folded under the names */}
        <Text size="xs" c="dimmed" mt={4} hiddenFrom="sm">
          {basis} · {fused} · {ago}
        </Text>
      </Table.Td>
      <Table.Td visibleFrom="sm">{basis}</Table.Td>
      <Table.Td visibleFrom="sm" data-testid="identity-fused">
        {fused}
      </Table.Td>
      <Table.Td visibleFrom="sm" data-testid="identity-age">
        {ago}
      </Table.Td>
      <Table.Td>
        <Badge color={IDENTITY_STATUS_COLOR[c.status]} variant="light" style={{ textTransform: 'none' }} data-testid="identity-status">
          {t(`status.${c.status}`)}
        </Badge>
      </Table.Td>
    </Table.Tr>
  );
}
