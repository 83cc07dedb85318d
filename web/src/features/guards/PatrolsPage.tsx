import { useEffect, useState } from 'react';
import { Badge, Button, Group, Loader, Paper, ScrollArea, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { dateTime, num } from '../../lib/format';
import { useSession } from '../../lib/session';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/Problems';
import { useGuardOverview } from './guards.api';
import { ROUTE_STATE_COLOR, usePatrolStatus, worstFirst, type PatrolRoute } from './patrols.api';
import { facilityOptions } from '../../lib/queries';

/** Patrol status per facility: each route's last round, next due time, overdue or missed; the recent scans and misses. */
export default function PatrolsPage() {
  const { t } = useTranslation('patrols');
  const session = useSession();
  const overview = useGuardOverview();
  const [facilityId, setFacilityId] = useState<string | null>(null);
  useEffect(() => {
    // the facility in the worst state first, as on the staffing board
    if (!facilityId && overview.data?.length) setFacilityId(worstFirst(overview.data)[0]!.facilityId);
  }, [overview.data, facilityId]);
  const status = usePatrolStatus(facilityId);
  const s = status.data;

  return (
    <Stack gap="md">
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          <Group gap="xs">
            <Button component="a" href="/guards" variant="default">
              {t('board')}
            </Button>
            {session.can('guards.attendance') && (
              <Button component="a" href="/guards/patrols/scan" variant="light">
                {t('scan.open')}
              </Button>
            )}
          </Group>
        }
      />
      <ErrorNote error={overview.error} what={t('what')} />
      {overview.data && overview.data.length > 0 && (
        <Select
          label={t('facility')}
          data={facilityOptions(overview.data, (f) => f.facilityId)}
          value={facilityId}
          onChange={setFacilityId}
          allowDeselect={false}
          maw={420}
        />
      )}
      <ErrorNote error={status.error} what={t('what')} />
      {status.isLoading && <Loader />}
      {s && (
        <Paper withBorder p="sm" radius="md">
          <Title order={2} size="h4" mb="xs">
            {t('routes.title', { count: s.routes.length })}
          </Title>
          {s.routes.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('routes.none')}
            </Text>
          ) : (
            <ScrollArea type="auto">
              <Table striped data-testid="patrol-routes" miw={760}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('routes.route')}</Table.Th>
                    <Table.Th>{t('routes.state')}</Table.Th>
                    <Table.Th>{t('routes.lastRound')}</Table.Th>
                    <Table.Th>{t('routes.nextDue')}</Table.Th>
                    <Table.Th ta="end">{t('routes.day')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {s.routes.map((r) => (
                    <RouteRow key={r.id} route={r} />
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea>
          )}
        </Paper>
      )}
      {s && s.misses.total > 0 && (
        <Paper withBorder p="sm" radius="md">
          <Title order={2} size="h4" mb="xs">
            {t('misses.title', { count: s.misses.total })}
          </Title>
          <Text size="xs" c="dimmed" mb="xs">
            {t('misses.shown', { count: s.misses.items.length })}
          </Text>
          <ScrollArea type="auto">
            <Table data-testid="patrol-misses" miw={480}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('misses.due')}</Table.Th>
                  <Table.Th>{t('routes.route')}</Table.Th>
                  <Table.Th>{t('misses.checkpoint')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {s.misses.items.map((m) => (
                  <Table.Tr key={`${m.runId}-${m.tagId}`}>
                    <Table.Td>{dateTime(m.dueAt)}</Table.Td>
                    <Table.Td>{m.routeCode}</Table.Td>
                    <Table.Td>
                      <Text size="sm" c="orange">
                        {m.checkpointName}
                      </Text>
                      <Text size="xs" c="dimmed" ff="monospace">
                        {m.tagId}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        </Paper>
      )}
      {s && (
        <Paper withBorder p="sm" radius="md">
          <Title order={2} size="h4" mb="xs">
            {t('scans.title', { count: s.scans.total })}
          </Title>
          {s.scans.total === 0 ? (
            <Text size="sm" c="dimmed">
              {t('scans.none')}
            </Text>
          ) : (
            <>
              <Text size="xs" c="dimmed" mb="xs">
                {t('scans.shown', { count: s.scans.items.length })}
              </Text>
              <ScrollArea type="auto">
                <Table striped data-testid="patrol-scans" miw={560}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('scans.at')}</Table.Th>
                      <Table.Th>{t('routes.route')}</Table.Th>
                      <Table.Th>{t('scans.checkpoint')}</Table.Th>
                      <Table.Th>{t('scans.guard')}</Table.Th>
                      <Table.Th>{t('scans.order')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {s.scans.items.map((x) => (
                      <Table.Tr key={x.id}>
                        <Table.Td>{dateTime(x.at)}</Table.Td>
                        <Table.Td>{x.routeCode}</Table.Td>
                        <Table.Td>
                          {num(x.position)}. {x.checkpointName}
                        </Table.Td>
                        <Table.Td>{x.badge}</Table.Td>
                        <Table.Td>
                          <Badge color={x.inOrder ? 'teal' : 'orange'} variant="light">
                            {x.inOrder ? t('scans.inOrder') : t('scans.outOfOrder')}
                          </Badge>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollArea>
            </>
          )}
        </Paper>
      )}
    </Stack>
  );
}

function RouteRow({ route: r }: { route: PatrolRoute }) {
  const { t } = useTranslation('patrols');
  const last = r.openRound ?? r.lastRound;
  return (
    <Table.Tr data-state={r.state} data-testid="patrol-route">
      <Table.Td>
        <Text fw={600} size="sm">
          {r.code}
        </Text>
        <Text size="xs" c="dimmed">
          {t('routes.checkpoints', { count: r.checkpoints.length, name: r.name })}
        </Text>
      </Table.Td>
      <Table.Td>
        <Badge color={ROUTE_STATE_COLOR[r.state] ?? 'gray'} variant="filled" data-testid="patrol-state">
          {t(`state.${r.state}`)}
        </Badge>
        {r.gapSince && (
          <Text size="xs" c="red">
            {t('routes.gapSince', { at: dateTime(r.gapSince) })}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {last ? (
          <>
            <Text size="sm">{dateTime(last.startedAt)}</Text>
            <Text size="xs" c={last.status === 'incomplete' ? 'orange' : 'dimmed'}>
              {t(`round.${last.status}`, { scanned: last.scanned, total: last.total, missed: last.missed, badge: last.badge })}
            </Text>
          </>
        ) : (
          <Text size="sm" c="dimmed">
            {t('routes.noRound')}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm" c={r.state === 'overdue' ? 'red' : undefined}>
          {r.state === 'inactive' ? '–' : dateTime(r.nextDueAt)}
        </Text>
        <Text size="xs" c="dimmed">
          {t('routes.every', { minutes: r.roundIntervalMinutes, window: r.checkpointWindowMinutes })}
        </Text>
      </Table.Td>
      <Table.Td ta="end" className="num">
        <Text size="sm">{t('routes.dayRounds', { completed: num(r.last24h.completed), rounds: num(r.last24h.rounds) })}</Text>
        <Text size="xs" c={r.last24h.missedCheckpoints || r.last24h.gaps ? 'orange' : 'dimmed'}>
          {t('routes.dayProblems', { missed: num(r.last24h.missedCheckpoints), gaps: num(r.last24h.gaps) })}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}
