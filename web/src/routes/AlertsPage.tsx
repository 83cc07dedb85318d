import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Box, Button, Group, Modal, Paper, SegmentedControl, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { api, apiPage, type Alert, type FacilityDetail } from '../lib/api';
import { dateTime, num } from '../lib/format';
import { useSession } from '../lib/session';
import { useFacilityNames } from '../lib/queries';
import { ErrorNote } from '../components/Problems';
import { Link } from '../components/Link';
import { useLiveAlerts } from '../features/alerts/alerts.queries';
import { alertTitle, ruleLabel, SEVERITY_COLOR } from '../features/alerts/alerts.text';
import { useTranslation } from 'react-i18next';

type Tab = 'unresolved' | 'resolved';

/** Alerts per page (of each status on the unresolved tab). */
const PAGE = 200;

export default function AlertsPage() {
  const { t } = useTranslation('alerts');
  const session = useSession();
  const live = useLiveAlerts();
  const [tab, setTab] = useState<Tab>('unresolved');
  const [page, setPage] = useState(0);
  const list = useQuery({
    queryKey: ['alerts', tab, page],
    queryFn: async () => {
      if (tab === 'resolved') {
        const resolved = await apiPage<Alert>(`/alerts?status=resolved&limit=${PAGE}&offset=${page * PAGE}`);
        return { ...resolved, longest: resolved.total };
      }
      // Unresolved: open ones first, then those acknowledged and still being worked on (a page of each).
      const [open, acked] = await Promise.all([
        apiPage<Alert>(`/alerts?status=open&limit=${PAGE}&offset=${page * PAGE}`),
        apiPage<Alert>(`/alerts?status=acknowledged&limit=${PAGE}&offset=${page * PAGE}`),
      ]);
      const byTime = (a: Alert, b: Alert) => b.raisedAt.localeCompare(a.raisedAt);
      return { rows: [...open.rows.sort(byTime), ...acked.rows.sort(byTime)], total: open.total + acked.total, longest: Math.max(open.total, acked.total) };
    },
    refetchInterval: live.state === 'live' ? false : 15_000,
  });
  const alerts = { ...list, data: list.data?.rows };
  const total = list.data?.total ?? 0;
  const lastPage = Math.max(0, Math.ceil((list.data?.longest ?? 0) / PAGE) - 1);
  const [resolving, setResolving] = useState<Alert | null>(null);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            {t('title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('intro')}
          </Text>
        </div>
        <Badge
          size="lg"
          variant="dot"
          color={live.state === 'live' ? 'teal' : live.state === 'connecting' ? 'yellow' : 'gray'}
          data-testid="stream-state"
          data-state={live.state}
        >
          {live.state === 'live' ? t('stream.live') : live.state === 'connecting' ? t('stream.connecting') : t('stream.offline')}
        </Badge>
      </Group>
      <SegmentedControl
        value={tab}
        onChange={(v) => {
          setTab(v as Tab);
          setPage(0);
        }}
        data={[
          { value: 'unresolved', label: t('tab.unresolved') },
          { value: 'resolved', label: t('tab.resolved') },
        ]}
        size="md"
        w={{ base: '100%', sm: 420 }}
        aria-label={t('tab.label')}
      />
      <ErrorNote error={alerts.error} what={t('what')} />
      {list.data && total > 0 && (
        <Group justify="space-between" gap="sm">
          <Text size="sm" data-testid="alert-count">
            {list.data.rows.length === total
              ? t('count', { count: total, n: num(total) })
              : t('countOf', { shown: num(list.data.rows.length), total: num(total) })}
          </Text>
          {lastPage > 0 && (
            <Group gap="xs">
              <Button size="xs" variant="default" disabled={page === 0} onClick={() => setPage((p) => p - 1)}>
                {t('newer')}
              </Button>
              <Button size="xs" variant="default" disabled={page >= lastPage} onClick={() => setPage((p) => p + 1)}>
                {t('older')}
              </Button>
            </Group>
          )}
        </Group>
      )}
      <Stack gap="sm" data-testid="alert-list">
        {(alerts.data ?? []).map((a) => (
          <AlertCard key={a.id} alert={a} fresh={live.fresh.has(a.id)} canManage={session.can('alerts.manage')} onResolve={() => setResolving(a)} />
        ))}
        {alerts.data && alerts.data.length === 0 && (
          <Paper withBorder p="lg" radius="md">
            <Text c="dimmed">{tab === 'resolved' ? t('noneResolved') : t('noneOpen')}</Text>
          </Paper>
        )}
      </Stack>
      <ResolveDialog alert={resolving} onClose={() => setResolving(null)} />
    </Stack>
  );
}

function AlertCard({ alert: a, fresh, canManage, onResolve }: { alert: Alert; fresh: boolean; canManage: boolean; onResolve: () => void }) {
  const { t } = useTranslation('alerts');
  const qc = useQueryClient();
  const facilities = useFacilityNames();
  const ack = useMutation({
    mutationFn: () => api(`/alerts/${a.id}/acknowledge`, { method: 'POST', body: {} }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['alerts'] }),
  });
  const d = a.details ?? {};
  const figures = ['expected', 'present', 'excused', 'delta', 'unaccounted', 'absent', 'count']
    .filter((k) => typeof d[k] === 'number' || Array.isArray(d[k]))
    .map((k) => `${t(`figure.${k}`)} ${num(Array.isArray(d[k]) ? (d[k] as unknown[]).length : (d[k] as number))}`);
  // A mass absence names every block over the threshold: a list of them, not a line of percentages in the title.
  const massUnits = Array.isArray(d.massAbsentUnits) ? (d.massAbsentUnits as MassUnit[]) : [];
  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      data-testid="alert-card"
      data-alert-id={a.id}
      data-rule={a.rule}
      style={{ borderInlineStart: `5px solid var(--mantine-color-${SEVERITY_COLOR[a.severity] ?? 'gray'}-6)` }}
    >
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4} style={{ flex: '1 1 360px' }}>
          <Group gap="xs">
            <Badge color={SEVERITY_COLOR[a.severity] ?? 'gray'}>{t(`severity.${a.severity}`, { defaultValue: a.severity })}</Badge>
            <Badge variant="outline" color="gray">
              {ruleLabel(a.rule)}
            </Badge>
            {fresh && a.status === 'open' && (
              <Badge color="grape" variant="filled" data-testid="alert-new">
                {t('new')}
              </Badge>
            )}
            {a.escalationLevel > 0 && (
              <Badge color="red" variant="light">
                {t('escalated', { n: num(a.escalationLevel) })}
              </Badge>
            )}
            {a.occurrences > 1 && (
              <Badge color="gray" variant="light" data-testid="alert-occurrences" title={t('lastFound', { time: dateTime(a.lastSeenAt) })}>
                {t('found', { n: num(a.occurrences) })}
              </Badge>
            )}
          </Group>
          <Text fw={600} data-testid="alert-title">
            {/* the blocks' percentages go to the table below, not into one long line */}
            {alertTitle(a).replace(/ \([^()]*\d%[^()]*\)/g, '')}
          </Text>
          <Text size="sm" c="dimmed">
            {a.facilityId ? <Link to={`/facilities/${a.facilityId}`}>{facilities.get(a.facilityId)?.name ?? t('facility')}</Link> : t('allFacilities')} ·{' '}
            {t('raised', { time: dateTime(a.raisedAt) })}
            {a.occurrences > 1 ? ` · ${t('lastFound', { time: dateTime(a.lastSeenAt) })}` : ''}
            {figures.length ? ` · ${figures.join(', ')}` : ''}
          </Text>
          {massUnits.length > 0 && a.facilityId && <MassAbsentUnits facilityId={a.facilityId} units={massUnits} />}
          {a.acknowledged && (
            <Text size="sm">
              {t('acknowledgedAt', { time: dateTime(a.acknowledged.at) })}
              {a.acknowledged.note ? `: ${a.acknowledged.note}` : ''}
            </Text>
          )}
          {a.resolved && (
            <Text size="sm" data-testid="alert-resolution">
              {t('resolvedAt', { time: dateTime(a.resolved.at) })}: {a.resolved.note}
            </Text>
          )}
        </Stack>
        {canManage && a.status !== 'resolved' && (
          <Group gap="xs">
            {a.status === 'open' && (
              <Button variant="default" size="md" onClick={() => ack.mutate()} loading={ack.isPending} data-testid="alert-ack">
                {t('acknowledge')}
              </Button>
            )}
            <Button size="md" onClick={onResolve} data-testid="alert-resolve">
              {t('resolveEllipsis')}
            </Button>
          </Group>
        )}
      </Group>
      <ErrorNote error={ack.error} />
    </Paper>
  );
}

function ResolveDialog({ alert, onClose }: { alert: Alert | null; onClose: () => void }) {
  const { t } = useTranslation('alerts');
  const qc = useQueryClient();
  const [note, setNote] = useState('');
  const resolve = useMutation({
    mutationFn: () => api(`/alerts/${alert!.id}/resolve`, { method: 'POST', body: { note: note.trim() } }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['alerts'] });
      setNote('');
      onClose();
    },
  });
  return (
    <Modal opened={!!alert} onClose={onClose} title={t('resolveDialog.title')} size="lg">
      {alert && (
        <Stack>
          <Text fw={600}>{alertTitle(alert)}</Text>
          <Textarea
            label={t('resolveDialog.note')}
            description={t('resolveDialog.noteHint')}
            required
            minRows={3}
            autosize
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            data-testid="resolve-note"
            data-autofocus
          />
          <ErrorNote error={resolve.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common:cancel')}
            </Button>
            <Button onClick={() => resolve.mutate()} disabled={!note.trim()} loading={resolve.isPending} data-testid="resolve-confirm">
              {t('resolve')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

interface MassUnit {
  unitId: string | null;
  expected: number;
  delta: number;
  percent: number;
}

const UNITS_SHOWN = 6;

/** The blocks of a mass absence, the worst first, as a short table (the rest counted, not listed). */
function MassAbsentUnits({ facilityId, units }: { facilityId: string; units: MassUnit[] }) {
  const { t } = useTranslation('alerts');
  const facility = useQuery({ queryKey: ['facility', facilityId], queryFn: () => api<FacilityDetail>(`/facilities/${facilityId}`), staleTime: 5 * 60_000 });
  const code = new Map((facility.data?.units ?? []).map((u) => [u.id, u.code]));
  const sorted = [...units].sort((x, y) => y.percent - x.percent || y.delta - x.delta);
  const shown = sorted.slice(0, UNITS_SHOWN);
  return (
    <Box maw={420}>
      <Table fz="sm" verticalSpacing={2} horizontalSpacing="xs" data-testid="mass-absence-units">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('mass.block')}</Table.Th>
            <Table.Th ta="end">{t('mass.unaccounted')}</Table.Th>
            <Table.Th ta="end">{t('mass.expected')}</Table.Th>
            <Table.Th ta="end">{t('mass.share')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {shown.map((u) => (
            <Table.Tr key={u.unitId ?? 'none'} data-testid="mass-absence-unit">
              <Table.Td>{u.unitId ? (code.get(u.unitId) ?? '…') : t('mass.noUnit')}</Table.Td>
              <Table.Td ta="end" className="num">
                {num(u.delta)}
              </Table.Td>
              <Table.Td ta="end" className="num">
                {num(u.expected)}
              </Table.Td>
              <Table.Td ta="end" className="num">
                {t('mass.percent', { n: num(u.percent) })}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {sorted.length > UNITS_SHOWN && (
        <Text size="xs" c="dimmed" data-testid="mass-absence-more">
          {t('mass.more', { n: num(sorted.length - UNITS_SHOWN) })}
        </Text>
      )}
    </Box>
  );
}
