import { useEffect, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Group, Loader, Paper, ScrollArea, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { dateTime, num } from '../../lib/format';
import { useFacilities, facilityOptions } from '../../lib/queries';
import { useSession } from '../../lib/session';
import { PageHeader } from '../../components/PageHeader';
import { StatCard } from '../../components/StatCard';
import { ErrorNote } from '../../components/Problems';
import { NEXT_STEP, SENSOR_COLOR, useOperations, type Incident, type IncidentStep, type Operations } from './sensors.api';

const duration = (seconds: number | null | undefined): string => {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 120) return `${num(seconds)} s`;
  if (seconds < 7200) return `${num(Math.round(seconds / 60))} min`;
  return `${num(Math.round(seconds / 360) / 10)} h`;
};

/** The operations room: the facility's perimeter on a map, its sectors, the live incidents and their handling. */
export default function OperationsPage() {
  const { t } = useTranslation('sensors');
  const facilities = useFacilities();
  const [facilityId, setFacilityId] = useState<string | null>(null);
  useEffect(() => {
    if (!facilityId && facilities.data?.length) setFacilityId(facilities.data[0]!.id);
  }, [facilities.data, facilityId]);
  const ops = useOperations(facilityId);
  const o = ops.data;

  return (
    <Stack gap="md">
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          <Select
            aria-label={t('facility')}
            data-testid="ops-facility"
            data={facilityOptions(facilities.data)}
            value={facilityId}
            onChange={setFacilityId}
            allowDeselect={false}
            w={260}
          />
        }
      />
      <ErrorNote error={facilities.error ?? ops.error} what={t('what')} />
      {(facilities.isLoading || ops.isLoading) && <Loader />}
      {o && (
        <>
          <SimpleGrid cols={{ base: 2, sm: 4 }}>
            <StatCard
              label={t('stats.online')}
              value={o.online.share === null ? '–' : `${num(o.online.share)} %`}
              hint={t('stats.onlineHint', { online: o.online.online, total: o.online.total })}
              color={o.online.share !== null && o.online.share < 90 ? 'red' : undefined}
              testId="ops-online"
            />
            <StatCard label={t('stats.live')} value={num(o.incidents.length)} color={o.incidents.length ? 'red' : undefined} testId="ops-live" />
            <StatCard label={t('stats.ack')} value={duration(o.timing.medianSecondsToAcknowledge)} hint={t('stats.over30', { count: o.timing.incidents30d })} />
            <StatCard label={t('stats.close')} value={duration(o.timing.medianSecondsToClose)} hint={t('stats.over30', { count: o.timing.incidents30d })} />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <PerimeterMap ops={o} />
            <Sectors ops={o} />
          </SimpleGrid>
          <Incidents incidents={o.incidents} />
        </>
      )}
    </Stack>
  );
}

function PerimeterMap({ ops }: { ops: Operations }) {
  const { t } = useTranslation('sensors');
  return (
    <Paper withBorder p="sm" radius="md">
      <Title order={2} size="h4" mb="xs">
        {t('map.title', { count: ops.sensors.length })}
      </Title>
      <svg
        viewBox="0 0 1000 1000"
        role="img"
        aria-label={t('map.title', { count: ops.sensors.length })}
        style={{ width: '100%', maxHeight: 360, background: 'var(--mantine-color-gray-light)' }}
      >
        <rect x={20} y={20} width={960} height={960} fill="none" stroke="var(--mantine-color-gray-5)" strokeDasharray="12 8" strokeWidth={4} />
        {ops.sensors.map((s) => {
          const color = s.incidentId ? SENSOR_COLOR.alarm : SENSOR_COLOR[s.state];
          return (
            <g key={s.id} data-testid={`sensor-${s.code}`} data-state={s.incidentId ? 'alarm' : s.state}>
              <title>{`${s.code} · ${t(`kind.${s.kind}`)} · ${t(`state.${s.state}`)} · ${t('map.last', { type: s.lastEventType ?? '–', at: dateTime(s.lastEventAt) })}`}</title>
              <circle cx={s.x} cy={s.y} r={22} fill={`var(--mantine-color-${color}-6)`} stroke="white" strokeWidth={4} />
              <text x={s.x} y={s.y + 52} textAnchor="middle" fontSize={30} fill="var(--mantine-color-text)">
                {s.code}
              </text>
            </g>
          );
        })}
      </svg>
      <Group gap="xs" mt="xs">
        {(['online', 'dead', 'alarm'] as const).map((k) => (
          <Badge key={k} color={SENSOR_COLOR[k]} variant="light">
            {t(`state.${k}`)}
          </Badge>
        ))}
      </Group>
    </Paper>
  );
}

function Sectors({ ops }: { ops: Operations }) {
  const { t } = useTranslation('sensors');
  return (
    <Paper withBorder p="sm" radius="md">
      <Title order={2} size="h4" mb="xs">
        {t('sectors.title', { count: ops.sectors.length })}
      </Title>
      <ScrollArea type="auto">
        <Table striped data-testid="ops-sectors">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('sectors.sector')}</Table.Th>
              <Table.Th ta="end">{t('sectors.online')}</Table.Th>
              <Table.Th ta="end">{t('sectors.alarms')}</Table.Th>
              <Table.Th ta="end">{t('sectors.incidents')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {ops.sectors.map((s) => (
              <Table.Tr key={s.sector}>
                <Table.Td>{s.sector}</Table.Td>
                <Table.Td ta="end" c={s.online < s.total ? 'red' : undefined}>
                  {`${num(s.online)} / ${num(s.total)}`}
                </Table.Td>
                <Table.Td ta="end">{num(s.alarms24h)}</Table.Td>
                <Table.Td ta="end">{num(s.liveIncidents)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
    </Paper>
  );
}

function Incidents({ incidents }: { incidents: Incident[] }) {
  const { t } = useTranslation('sensors');
  return (
    <Paper withBorder p="sm" radius="md">
      <Title order={2} size="h4" mb="xs">
        {t('incidents.title', { count: incidents.length })}
      </Title>
      {incidents.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('incidents.none')}
        </Text>
      ) : (
        <Stack gap="sm" data-testid="ops-incidents">
          {incidents.map((i) => (
            <IncidentCard key={i.id} incident={i} />
          ))}
        </Stack>
      )}
    </Paper>
  );
}

function IncidentCard({ incident: i }: { incident: Incident }) {
  const { t } = useTranslation('sensors');
  const session = useSession();
  const qc = useQueryClient();
  const [note, setNote] = useState('');
  const next = NEXT_STEP[i.status];
  const step = useMutation({
    mutationFn: (to: IncidentStep) =>
      api<Incident>(`/incidents/${i.id}/status`, { method: 'POST', body: { to, ...(note.trim() ? { note: note.trim() } : {}) } }),
    onSuccess: () => {
      setNote('');
      void qc.invalidateQueries({ queryKey: ['sensors'] });
    },
  });
  const headcount = useMutation({
    mutationFn: () => api<{ rollcallId: string }>(`/incidents/${i.id}/headcount`, { method: 'POST' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['sensors'] }),
  });
  const canManage = session.can('incidents.manage');
  return (
    <Paper withBorder p="sm" radius="sm" data-testid={`incident-${i.id}`} data-status={i.status}>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={2} style={{ minWidth: 0, flex: 1 }}>
          <Group gap="xs">
            <Badge color={i.severity === 'critical' ? 'red' : 'orange'}>{t(`severity.${i.severity}`)}</Badge>
            <Badge variant="light" data-testid="incident-status">
              {t(`status.${i.status}`)}
            </Badge>
            <Text size="sm" fw={600}>
              {t('incidents.sector', { sector: i.sector })}
            </Text>
          </Group>
          <Text size="sm">{i.title}</Text>
          <Text size="xs" c="dimmed">
            {t('incidents.times', {
              first: dateTime(i.firstAlarmAt),
              alarms: i.alarmCount,
              ack: duration(i.secondsToAcknowledge),
            })}
          </Text>
          <Text size="xs" c="dimmed">
            {t('incidents.posts', {
              manned: i.context.posts.filter((p) => p.present >= Math.max(1, p.minStaff)).length,
              total: i.context.posts.length,
            })}
            {i.context.rollcalls.length > 0 && ` · ${t('incidents.lastDelta', { delta: i.context.rollcalls.reduce((n, r) => n + r.delta, 0) })}`}
          </Text>
        </Stack>
        {canManage && (
          <Stack gap="xs" w={{ base: '100%', sm: 260 }}>
            {next === 'closed' && (
              <TextInput
                size="xs"
                aria-label={t('incidents.note')}
                placeholder={t('incidents.note')}
                value={note}
                onChange={(e) => setNote(e.currentTarget.value)}
              />
            )}
            <Group gap="xs">
              {next && (
                <Button
                  size="xs"
                  onClick={() => step.mutate(next)}
                  loading={step.isPending}
                  disabled={next === 'closed' && !note.trim()}
                  data-testid="incident-next"
                >
                  {t(`action.${next}`)}
                </Button>
              )}
              {!i.headcountRollcallId && session.can('rollcall.run') && (
                <Button size="xs" variant="light" onClick={() => headcount.mutate()} loading={headcount.isPending}>
                  {t('action.headcount')}
                </Button>
              )}
              {i.headcountRollcallId && (
                <Button size="xs" variant="subtle" component="a" href={`/rollcalls/${i.headcountRollcallId}`}>
                  {t('action.openHeadcount')}
                </Button>
              )}
            </Group>
            <ErrorNote error={step.error ?? headcount.error} />
          </Stack>
        )}
      </Group>
    </Paper>
  );
}
