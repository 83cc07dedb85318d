import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Alert as Note, Badge, Button, Group, Loader, Paper, ScrollArea, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { apiPage, type Alert } from '../../lib/api';
import { dateTime, num } from '../../lib/format';
import { useSession } from '../../lib/session';
import { PageHeader } from '../../components/PageHeader';
import { StatCard } from '../../components/StatCard';
import { ErrorNote } from '../../components/Problems';
import { alertTitle, SEVERITY_COLOR } from '../alerts/alerts.text';
import { STATE_COLOR, useBoard, useGuardOverview, useRatioHistory, type Board } from './guards.api';
import { HandoverLink } from '../integrity/HandoverLink';
import { RatioStrip } from './RatioStrip';
import { facilityOptions } from '../../lib/queries';

/** The staffing board: every facility's governance now, and one facility's posts by shift (planned, present). */
export default function GuardsPage() {
  const { t } = useTranslation('guards');
  const session = useSession();
  const overview = useGuardOverview();
  const [facilityId, setFacilityId] = useState<string | null>(null);
  useEffect(() => {
    if (!facilityId && overview.data?.length) {
      const worst = [...overview.data].sort((a, b) => rank(b.state) - rank(a.state))[0]!;
      setFacilityId(worst.facilityId);
    }
  }, [overview.data, facilityId]);
  const board = useBoard(facilityId);
  const history = useRatioHistory(facilityId);

  return (
    <Stack gap="md">
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          <Group gap="xs">
            <Button component="a" href="/guards/staff" variant="default" data-testid="staff-link">
              {t('guardstaff:open')}
            </Button>
            <Button component="a" href="/guards/patrols" variant="default" data-testid="patrols-link">
              {t('patrols:title')}
            </Button>
            <Button component="a" href="/guards/heatmap" variant="light" data-testid="open-heatmap">
              {t('guardalerts:heatmap.open')}
            </Button>
            {session.can('guards.attendance') && (
              <Button component="a" href="/guards/gate" variant="light">
                {t('gate.open')}
              </Button>
            )}
            {session.can('guards.manage') && <HandoverLink />}
          </Group>
        }
      />
      <ErrorNote error={overview.error} what={t('overview.what')} />
      {overview.isLoading && <Loader />}
      {overview.data && (
        <Paper withBorder p="sm" radius="md">
          <Title order={2} size="h4" mb="xs">
            {t('overview.title', { count: overview.data.length })}
          </Title>
          <ScrollArea type="auto">
            <Table striped highlightOnHover data-testid="guards-overview" miw={640}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('overview.facility')}</Table.Th>
                  <Table.Th>{t('overview.state')}</Table.Th>
                  <Table.Th ta="end">{t('figures.guardsPer100')}</Table.Th>
                  <Table.Th ta="end">{t('figures.present')}</Table.Th>
                  <Table.Th ta="end">{t('figures.posts')}</Table.Th>
                  <Table.Th>{t('figures.custodian')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {overview.data.map((f) => (
                  <Table.Tr
                    key={f.facilityId}
                    onClick={() => setFacilityId(f.facilityId)}
                    style={{ cursor: 'pointer' }}
                    aria-selected={f.facilityId === facilityId}
                    bg={f.facilityId === facilityId ? 'var(--mantine-color-blue-light)' : undefined}
                  >
                    <Table.Td>
                      <Text fw={600} size="sm">
                        {f.code}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {f.name}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <StateBadge state={f.state} />
                    </Table.Td>
                    <Table.Td ta="end" className="num">
                      {f.guardsPer100 === null ? '–' : num(f.guardsPer100)}
                    </Table.Td>
                    <Table.Td ta="end" className="num">
                      {t('figures.presentOf', { present: num(f.present), onRoll: num(f.onRoll) })}
                    </Table.Td>
                    <Table.Td ta="end" className="num">
                      {t('figures.postsOf', { manned: num(f.postsManned), required: num(f.postsRequired) })}
                    </Table.Td>
                    <Table.Td>
                      {f.custodian ? t(`organisation.${f.custodian}`, { defaultValue: f.custodian }) : <Badge color="red">{t('figures.noCustodian')}</Badge>}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        </Paper>
      )}
      {overview.data && overview.data.length > 0 && (
        <Select
          label={t('board.facility')}
          data={facilityOptions(overview.data, (f) => f.facilityId)}
          value={facilityId}
          onChange={setFacilityId}
          allowDeselect={false}
          maw={420}
        />
      )}
      <ErrorNote error={board.error} what={t('board.what')} />
      {board.data && <BoardView board={board.data} />}
      {board.data && history.data && (
        <Paper withBorder p="sm" radius="md">
          <Title order={2} size="h4" mb="xs">
            {t('history.title')}
          </Title>
          <Text size="xs" c="dimmed" mb="xs">
            {t('history.description', { count: history.data.total })}
          </Text>
          <RatioStrip history={history.data.items} now={board.data.at} />
        </Paper>
      )}
    </Stack>
  );
}

const rank = (s: string) => (s === 'critical' ? 2 : s === 'degraded' ? 1 : 0);

function StateBadge({ state }: { state: string }) {
  const { t } = useTranslation('guards');
  return (
    <Badge color={STATE_COLOR[state] ?? 'gray'} variant="filled" data-testid="governance-state" data-state={state}>
      {t(`state.${state}`)}
    </Badge>
  );
}

function GuardAlerts({ facilityId }: { facilityId: string }) {
  const { t } = useTranslation('guards');
  const alerts = useQuery({
    queryKey: ['guards', 'alerts', facilityId],
    queryFn: async () => {
      const page = await apiPage<Alert>(`/alerts?facilityId=${facilityId}&status=open&limit=200`);
      return page.rows.filter((a) => a.rule.startsWith('guards.'));
    },
    refetchInterval: 15_000,
  });
  if (!alerts.data?.length) return null;
  return (
    <Stack gap="xs" data-testid="guard-alerts">
      {alerts.data.map((a) => (
        <Note
          key={a.id}
          color={SEVERITY_COLOR[a.severity] ?? 'gray'}
          title={`${t(`rule.${a.rule}`, { defaultValue: t(`guardalerts:rule.${a.rule}`, { defaultValue: a.rule }) })} · ${dateTime(a.raisedAt)}`}
        >
          {alertTitle(a)}
        </Note>
      ))}
    </Stack>
  );
}

function BoardView({ board }: { board: Board }) {
  const { t } = useTranslation('guards');
  const session = useSession();
  const f = board.figures;
  return (
    <Stack gap="md" data-testid="staffing-board">
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <StatCard
          label={t('figures.state')}
          value={<StateBadge state={f.state} />}
          hint={board.since ? t('figures.since', { at: dateTime(board.since) }) : undefined}
        />
        <StatCard
          label={t('figures.guardsPer100')}
          value={f.guardsPer100 === null ? '–' : num(f.guardsPer100)}
          hint={t('figures.threshold', { value: num(board.threshold.minGuardsPer100) })}
          color={STATE_COLOR[f.state]}
        />
        <StatCard label={t('figures.present')} value={t('figures.presentOf', { present: num(f.present), onRoll: num(f.onRoll) })} testId="guards-present" />
        <StatCard
          label={t('figures.posts')}
          value={t('figures.postsOf', { manned: num(f.postsManned), required: num(f.postsRequired) })}
          hint={t('figures.postsThreshold', { value: num(board.threshold.minMannedPostsPercent) })}
        />
      </SimpleGrid>
      {f.reasons.length > 0 && (
        <Note color={STATE_COLOR[f.state]} title={t(`state.${f.state}`)} data-testid="governance-reasons">
          {f.reasons.map((r) => t(`reason.${r}`, { defaultValue: r })).join(' · ')}
        </Note>
      )}
      {session.can('alerts.read') && <GuardAlerts facilityId={board.facilityId} />}
      <Paper withBorder p="sm" radius="md">
        <Text size="sm" data-testid="custodian">
          {board.custodian
            ? t('custodian.current', {
                organisation: t(`organisation.${board.custodian.organisation}`, { defaultValue: board.custodian.organisation }),
                commander: board.custodian.commander,
                since: dateTime(board.custodian.fromAt),
              })
            : t('custodian.none')}
        </Text>
      </Paper>
      <Paper withBorder p="sm" radius="md">
        <Title order={2} size="h4" mb="xs">
          {t('posts.title', { count: board.posts.length })}
        </Title>
        <ScrollArea type="auto">
          <Table striped data-testid="posts-table" miw={560}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('posts.post')}</Table.Th>
                <Table.Th>{t('posts.kind')}</Table.Th>
                <Table.Th ta="end">{t('posts.minimum')}</Table.Th>
                <Table.Th ta="end">{t('posts.planned')}</Table.Th>
                <Table.Th>{t('posts.present')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {board.posts.map((p) => {
                const short = p.present.length < p.minStaff;
                return (
                  <Table.Tr key={p.id} data-short={short ? 'true' : 'false'}>
                    <Table.Td>
                      <Text fw={600} size="sm">
                        {p.code}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {p.name}
                      </Text>
                    </Table.Td>
                    <Table.Td>{t(`kind.${p.kind}`, { defaultValue: p.kind })}</Table.Td>
                    <Table.Td ta="end" className="num">
                      {num(p.minStaff)}
                    </Table.Td>
                    <Table.Td ta="end" className="num">
                      {num(p.planned)}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        <Badge color={short ? 'red' : 'teal'} variant="light">
                          {num(p.present.length)}
                        </Badge>
                        <Text size="xs" c="dimmed">
                          {p.present.map((g) => g.fullName).join(', ')}
                        </Text>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      </Paper>
      {board.sectors.length > 0 && (
        <Paper withBorder p="sm" radius="md">
          <Title order={2} size="h4" mb="xs">
            {t('sectors.title', { count: board.sectors.length })}
          </Title>
          <ScrollArea type="auto">
            <Table data-testid="sectors-table" miw={480}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('sectors.sector')}</Table.Th>
                  <Table.Th>{t('overview.state')}</Table.Th>
                  <Table.Th ta="end">{t('figures.guardsPer100')}</Table.Th>
                  <Table.Th ta="end">{t('figures.present')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {board.sectors.map((s) => (
                  <Table.Tr key={s.unitId}>
                    <Table.Td>{s.unitCode}</Table.Td>
                    <Table.Td>
                      <Badge color={STATE_COLOR[s.state]} variant="light">
                        {t(`state.${s.state}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td ta="end" className="num">
                      {s.guardsPer100 === null ? '–' : num(s.guardsPer100)}
                    </Table.Td>
                    <Table.Td ta="end" className="num">
                      {t('figures.presentOf', { present: num(s.present), onRoll: num(s.onRoll) })}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        </Paper>
      )}
    </Stack>
  );
}
