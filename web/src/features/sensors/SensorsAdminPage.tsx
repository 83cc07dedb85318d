import { useEffect, useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Badge,
  Button,
  Group,
  Modal,
  NumberInput,
  Pagination,
  Paper,
  ScrollArea,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api, qs } from '../../lib/api';
import { dateTime, num } from '../../lib/format';
import { useFacilities, facilityOptions } from '../../lib/queries';
import { useSession } from '../../lib/session';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/Problems';
import type { DeadLettersResponse, SensorPageResponse, StaffReportPageResponse } from '../../../../src/modules/sensors/sensors.dto';
import { SENSOR_COLOR } from './sensors.api';
import { SensorEditor } from './SensorEditor';
import { ReportFollowUp } from './ReportFollowUp';

type SensorPage = z.input<typeof SensorPageResponse>;
type ReportPage = z.input<typeof StaffReportPageResponse>;
type DeadLetters = z.input<typeof DeadLettersResponse>;

const PAGE = 20;
const KINDS = ['fence_vibration', 'taut_wire', 'gate_contact', 'door_contact', 'motion', 'camera_line', 'panic_button'] as const;
const REPORT_TYPES = ['riot', 'assault', 'contraband', 'fire', 'medical', 'intimidation', 'escape_attempt', 'other'] as const;
const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/** Placing sensors, staff incident reports and the dead letters of the ingest: the perimeter's paperwork. */
export default function SensorsAdminPage() {
  const { t } = useTranslation('sensors');
  const session = useSession();
  const can = session.can;
  const facilities = useFacilities();
  const [facilityId, setFacilityId] = useState<string | null>(null);
  useEffect(() => {
    if (!facilityId && facilities.data?.length) setFacilityId(facilities.data[0]!.id);
  }, [facilities.data, facilityId]);
  const [tab, setTab] = useState<string | null>('sensors');

  return (
    <Stack gap="md">
      <PageHeader
        title={t('admin.title')}
        description={t('admin.description')}
        actions={
          <Select
            aria-label={t('facility')}
            data-testid="sensors-facility"
            data={facilityOptions(facilities.data)}
            value={facilityId}
            onChange={setFacilityId}
            allowDeselect={false}
            w={260}
          />
        }
      />
      <ErrorNote error={facilities.error} what={t('what')} />
      <Tabs value={tab} onChange={setTab}>
        <Tabs.List>
          <Tabs.Tab value="sensors" data-testid="tab-sensors">
            {t('admin.tabs.sensors')}
          </Tabs.Tab>
          <Tabs.Tab value="reports" data-testid="tab-reports">
            {t('admin.tabs.reports')}
          </Tabs.Tab>
          {can('sensors.manage') && (
            <Tabs.Tab value="dead" data-testid="tab-dead">
              {t('admin.tabs.dead')}
            </Tabs.Tab>
          )}
        </Tabs.List>
      </Tabs>
      {facilityId && tab === 'sensors' && <SensorsTab facilityId={facilityId} canManage={can('sensors.manage')} />}
      {facilityId && tab === 'reports' && <ReportsTab facilityId={facilityId} canFile={can('staff_reports.file')} canManage={can('incidents.manage')} />}
      {tab === 'dead' && can('sensors.manage') && <DeadLettersTab />}
    </Stack>
  );
}

function SensorsTab({ facilityId, canManage }: { facilityId: string; canManage: boolean }) {
  const { t } = useTranslation('sensors');
  const qc = useQueryClient();
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: ['sensors', 'list', facilityId, page],
    queryFn: () => api<SensorPage>(`/sensors${qs({ facilityId, limit: PAGE, offset: (page - 1) * PAGE })}`),
    placeholderData: keepPreviousData,
  });
  const [form, setForm] = useState({ code: '', name: '', kind: 'fence_vibration' as string, sector: '', x: 500, y: 500, heartbeatSeconds: 60 });
  const place = useMutation({
    mutationFn: () => api('/sensors', { method: 'POST', body: { facilityId, ...form, name: form.name || form.code } }),
    onSuccess: () => {
      setForm((f) => ({ ...f, code: '', name: '' }));
      void qc.invalidateQueries({ queryKey: ['sensors'] });
    },
  });
  const rows = list.data?.rows ?? [];
  const [editing, setEditing] = useState<string | null>(null);
  const edited = rows.find((s) => s.id === editing);
  return (
    <SimpleGrid cols={{ base: 1, md: canManage ? 2 : 1 }}>
      <Modal opened={!!edited} onClose={() => setEditing(null)} title={edited ? t('admin.edit.title', { code: edited.code }) : ''}>
        {edited && <SensorEditor sensor={edited} onDone={() => setEditing(null)} />}
      </Modal>
      <Paper withBorder p="sm" radius="md">
        <Title order={2} size="h4" mb="xs">
          {t('admin.sensors.title', { count: list.data?.total ?? 0 })}
        </Title>
        <ErrorNote error={list.error} what={t('admin.sensors.what')} />
        <ScrollArea type="auto">
          <Table striped data-testid="sensors-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('admin.sensors.code')}</Table.Th>
                <Table.Th>{t('admin.sensors.kind')}</Table.Th>
                <Table.Th>{t('sectors.sector')}</Table.Th>
                <Table.Th>{t('admin.sensors.position')}</Table.Th>
                <Table.Th>{t('admin.sensors.state')}</Table.Th>
                <Table.Th>{t('admin.sensors.lastHeard')}</Table.Th>
                {canManage && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>{s.code}</Table.Td>
                  <Table.Td>{t(`kind.${s.kind}`)}</Table.Td>
                  <Table.Td>{s.sector}</Table.Td>
                  <Table.Td>{`${num(s.x)}, ${num(s.y)}`}</Table.Td>
                  <Table.Td>
                    <Badge color={SENSOR_COLOR[s.state]} variant="light">
                      {t(`state.${s.state}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{s.lastHeardAt ? dateTime(s.lastHeardAt) : '–'}</Table.Td>
                  {canManage && (
                    <Table.Td>
                      <Button size="compact-xs" variant="subtle" onClick={() => setEditing(s.id)} data-testid="sensor-edit" data-code={s.code}>
                        {t('admin.edit.open')}
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
        {(list.data?.total ?? 0) > PAGE && <Pagination mt="xs" size="sm" total={Math.ceil(list.data!.total / PAGE)} value={page} onChange={setPage} />}
      </Paper>
      {canManage && (
        <Paper withBorder p="sm" radius="md">
          <Title order={2} size="h4" mb="xs">
            {t('admin.place.title')}
          </Title>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              place.mutate();
            }}
          >
            <Stack gap="xs">
              <Group grow>
                <TextInput
                  label={t('admin.sensors.code')}
                  required
                  value={form.code}
                  onChange={(e) => setForm({ ...form, code: e.currentTarget.value })}
                  data-testid="place-code"
                />
                <TextInput label={t('admin.place.name')} value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} />
              </Group>
              <Group grow>
                <Select
                  label={t('admin.sensors.kind')}
                  data={KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))}
                  value={form.kind}
                  onChange={(v) => v && setForm({ ...form, kind: v })}
                  allowDeselect={false}
                />
                <TextInput
                  label={t('sectors.sector')}
                  required
                  value={form.sector}
                  onChange={(e) => setForm({ ...form, sector: e.currentTarget.value })}
                  data-testid="place-sector"
                />
              </Group>
              <Text size="sm" c="dimmed">
                {t('admin.place.mapHint')}
              </Text>
              <svg
                viewBox="0 0 1000 1000"
                role="img"
                aria-label={t('admin.place.map')}
                data-testid="place-map"
                style={{ width: '100%', maxHeight: 240, background: 'var(--mantine-color-gray-light)', cursor: 'crosshair' }}
                // biome-ignore lint/a11y/noNoninteractiveTabindex: the map takes the arrow keys (10 units a press), like the click
                tabIndex={0}
                onKeyDown={(e) => {
                  const step = { ArrowLeft: [-10, 0], ArrowRight: [10, 0], ArrowUp: [0, -10], ArrowDown: [0, 10] }[e.key];
                  if (!step) return;
                  e.preventDefault();
                  setForm({ ...form, x: Math.min(1000, Math.max(0, form.x + step[0]!)), y: Math.min(1000, Math.max(0, form.y + step[1]!)) });
                }}
                onClick={(e) => {
                  const box = e.currentTarget.getBoundingClientRect();
                  const scale = 1000 / Math.max(box.width, box.height);
                  const x = Math.round(Math.min(1000, Math.max(0, (e.clientX - box.left) * scale)));
                  const y = Math.round(Math.min(1000, Math.max(0, (e.clientY - box.top) * scale)));
                  setForm({ ...form, x, y });
                }}
              >
                <rect x={20} y={20} width={960} height={960} fill="none" stroke="var(--mantine-color-gray-5)" strokeDasharray="12 8" strokeWidth={4} />
                {rows.map((s) => (
                  <circle key={s.id} cx={s.x} cy={s.y} r={14} fill="var(--mantine-color-gray-5)" />
                ))}
                <circle cx={form.x} cy={form.y} r={22} fill="var(--mantine-color-blue-6)" stroke="white" strokeWidth={4} />
              </svg>
              <Group grow>
                <NumberInput label="x" min={0} max={1000} value={form.x} onChange={(v) => setForm({ ...form, x: Number(v) || 0 })} />
                <NumberInput label="y" min={0} max={1000} value={form.y} onChange={(v) => setForm({ ...form, y: Number(v) || 0 })} />
                <NumberInput
                  label={t('admin.place.heartbeat')}
                  min={5}
                  max={86400}
                  value={form.heartbeatSeconds}
                  onChange={(v) => setForm({ ...form, heartbeatSeconds: Number(v) || 60 })}
                />
              </Group>
              <ErrorNote error={place.error} what={t('admin.place.what')} />
              <Button type="submit" loading={place.isPending} disabled={!form.code.trim() || !form.sector.trim()} data-testid="place-submit">
                {t('admin.place.submit')}
              </Button>
            </Stack>
          </form>
        </Paper>
      )}
    </SimpleGrid>
  );
}

function ReportsTab({ facilityId, canFile, canManage }: { facilityId: string; canFile: boolean; canManage: boolean }) {
  const { t } = useTranslation('sensors');
  const qc = useQueryClient();
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: ['sensors', 'reports', facilityId, page],
    queryFn: () =>
      api<ReportPage>(`/staff-reports${qs({ facilityId, limit: PAGE, offset: (page - 1) * PAGE })}`, { purpose: 'staff incident reports of the facility' }),
    placeholderData: keepPreviousData,
  });
  const [form, setForm] = useState({ type: 'riot' as string, severity: 'high' as string, summary: '', followUp: '' });
  const [following, setFollowing] = useState<string | null>(null);
  const followed = list.data?.rows.find((r) => r.id === following);
  const file = useMutation({
    mutationFn: () =>
      api('/staff-reports', {
        method: 'POST',
        body: {
          facilityId,
          type: form.type,
          severity: form.severity,
          summary: form.summary.trim(),
          ...(form.followUp.trim() ? { followUp: form.followUp.trim() } : {}),
        },
      }),
    onSuccess: () => {
      setForm((f) => ({ ...f, summary: '', followUp: '' }));
      setPage(1);
      void qc.invalidateQueries({ queryKey: ['sensors', 'reports'] });
    },
  });
  return (
    <SimpleGrid cols={{ base: 1, md: canFile ? 2 : 1 }}>
      <Modal
        opened={!!followed}
        onClose={() => setFollowing(null)}
        title={followed ? t('admin.reports.editTitle', { when: dateTime(followed.occurredAt) }) : ''}
      >
        {followed && <ReportFollowUp report={followed} onDone={() => setFollowing(null)} />}
      </Modal>
      <Paper withBorder p="sm" radius="md">
        <Title order={2} size="h4" mb="xs" data-testid="reports-count">
          {t('admin.reports.title', { count: list.data?.total ?? 0 })}
        </Title>
        <ErrorNote error={list.error} what={t('admin.reports.what')} />
        <ScrollArea type="auto">
          <Table striped data-testid="reports-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('admin.reports.when')}</Table.Th>
                <Table.Th>{t('admin.reports.type')}</Table.Th>
                <Table.Th>{t('admin.reports.severity')}</Table.Th>
                <Table.Th>{t('admin.reports.summary')}</Table.Th>
                <Table.Th>{t('admin.reports.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(list.data?.rows ?? []).map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>{dateTime(r.occurredAt)}</Table.Td>
                  <Table.Td>{t(`reportType.${r.type}`)}</Table.Td>
                  <Table.Td>
                    <Badge color={r.severity === 'critical' || r.severity === 'high' ? 'red' : 'gray'} variant="light">
                      {t(`reportSeverity.${r.severity}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{r.summary}</Text>
                    {r.followUp && (
                      <Text size="xs" c="dimmed">
                        {t('admin.reports.followUpIs', { text: r.followUp })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {t(`reportStatus.${r.status}`)}
                    {canManage && (
                      <Button size="compact-xs" variant="subtle" ms="xs" onClick={() => setFollowing(r.id)} data-testid="report-edit">
                        {t('admin.reports.edit')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
        {(list.data?.total ?? 0) > PAGE && <Pagination mt="xs" size="sm" total={Math.ceil(list.data!.total / PAGE)} value={page} onChange={setPage} />}
      </Paper>
      {canFile && (
        <Paper withBorder p="sm" radius="md">
          <Title order={2} size="h4" mb="xs">
            {t('admin.file.title')}
          </Title>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              file.mutate();
            }}
          >
            <Stack gap="xs">
              <Group grow>
                <Select
                  label={t('admin.reports.type')}
                  data={REPORT_TYPES.map((k) => ({ value: k, label: t(`reportType.${k}`) }))}
                  value={form.type}
                  onChange={(v) => v && setForm({ ...form, type: v })}
                  allowDeselect={false}
                  data-testid="report-type"
                />
                <Select
                  label={t('admin.reports.severity')}
                  data={SEVERITIES.map((k) => ({ value: k, label: t(`reportSeverity.${k}`) }))}
                  value={form.severity}
                  onChange={(v) => v && setForm({ ...form, severity: v })}
                  allowDeselect={false}
                />
              </Group>
              <Textarea
                label={t('admin.reports.summary')}
                required
                autosize
                minRows={3}
                value={form.summary}
                onChange={(e) => setForm({ ...form, summary: e.currentTarget.value })}
                data-testid="report-summary"
              />
              <TextInput label={t('admin.file.followUp')} value={form.followUp} onChange={(e) => setForm({ ...form, followUp: e.currentTarget.value })} />
              <ErrorNote error={file.error} what={t('admin.file.what')} />
              <Button type="submit" loading={file.isPending} disabled={!form.summary.trim()} data-testid="report-submit">
                {t('admin.file.submit')}
              </Button>
            </Stack>
          </form>
        </Paper>
      )}
    </SimpleGrid>
  );
}

function DeadLettersTab() {
  const { t } = useTranslation('sensors');
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: ['sensors', 'dead-letters', page],
    queryFn: () => api<DeadLetters>(`/sensors/dead-letters${qs({ limit: PAGE, offset: (page - 1) * PAGE })}`),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });
  const d = list.data;
  return (
    <Paper withBorder p="sm" radius="md">
      <Title order={2} size="h4" mb="xs" data-testid="dead-count">
        {t('admin.dead.title', { count: d?.total ?? 0 })}
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {t('admin.dead.description')}
      </Text>
      <ErrorNote error={list.error} what={t('admin.dead.what')} />
      <Group gap="xs" mb="xs" data-testid="dead-reasons">
        {(d?.byReason ?? []).map((r) => (
          <Badge key={r.reason} variant="light" color="orange">
            {`${t(`deadReason.${r.reason}`, { defaultValue: r.reason })}: ${num(r.count)}`}
          </Badge>
        ))}
      </Group>
      <ScrollArea type="auto">
        <Table striped data-testid="dead-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.dead.received')}</Table.Th>
              <Table.Th>{t('admin.dead.reason')}</Table.Th>
              <Table.Th>{t('admin.dead.topic')}</Table.Th>
              <Table.Th>{t('admin.dead.detail')}</Table.Th>
              <Table.Th>{t('admin.dead.payload')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(d?.rows ?? []).map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>{dateTime(r.receivedAt)}</Table.Td>
                <Table.Td>{t(`deadReason.${r.reason}`, { defaultValue: r.reason })}</Table.Td>
                <Table.Td>
                  <Text size="xs" ff="monospace">
                    {r.topic ?? '–'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs">{r.detail ?? ''}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs" ff="monospace" lineClamp={2}>
                    {r.payload ?? ''}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
      {(d?.total ?? 0) > PAGE && <Pagination mt="xs" size="sm" total={Math.ceil(d!.total / PAGE)} value={page} onChange={setPage} />}
    </Paper>
  );
}
