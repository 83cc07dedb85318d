import { useEffect, useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Drawer, Group, Loader, Modal, Pagination, Paper, ScrollArea, Select, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api, qs } from '../../lib/api';
import { dateTime, num } from '../../lib/format';
import { useSession } from '../../lib/session';
import { PageHeader } from '../../components/PageHeader';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { ErrorNote } from '../../components/Problems';
import type { StaffPageResponse, StaffResponse } from '../../../../src/modules/guards/guards.dto';
import { ORGANISATIONS, STAFF_STATUSES } from '../../../../src/modules/guards/guards.domain';
import { FaceCapture } from '../biometrics/FaceCapture';
import { imageAsDataUrl } from '../verify/verify.api';
import { guardFaceQuality, useGuardOverview, usePosts } from './guards.api';
import { facilityOptions } from '../../lib/queries';

type StaffPage = z.input<typeof StaffPageResponse>;
type Staff = z.input<typeof StaffResponse>;
/** GET /guards/staff/:id/face (its dto file imports the biometrics module, which the web app must not pull in). */
interface StaffFace {
  staffId: string;
  enrolled: boolean;
  model: string | null;
  quality: number | null;
  enrolledAt: string | null;
}

const PAGE = 25;
const STATUS_COLOR: Record<string, string> = { active: 'teal', suspended: 'orange', deserted: 'red', left: 'gray' };

/**
 * The staff registry of the guard force (apart from the persons in custody): who serves where, their status, whether
 * they are on duty now, and their face for the 1:1 check-in at the gate, enrolled here.
 */
export default function GuardStaffPage() {
  const { t } = useTranslation('guardstaff');
  const session = useSession();
  const canManage = session.can('guards.manage');
  const overview = useGuardOverview();
  const facilities = overview.data ?? [];
  const [facilityId, setFacilityId] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [page, setPage] = useState(1);
  useEffect(() => setPage(1), [facilityId, status, q]);
  const [openId, setOpenId] = useState<string | null>(null);
  const [registering, setRegistering] = useState(false);

  const list = useQuery({
    queryKey: ['guards', 'staff', facilityId, status, q, page],
    queryFn: () => api<StaffPage>(`/guards/staff${qs({ facilityId, status, q, limit: PAGE, offset: (page - 1) * PAGE })}`),
    placeholderData: keepPreviousData,
  });
  const code = (id: string) => facilities.find((f) => f.facilityId === id)?.code ?? '';
  const open = list.data?.items.find((s) => s.id === openId) ?? null;

  return (
    <Stack gap="md">
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          canManage && (
            <Button onClick={() => setRegistering(true)} data-testid="register-guard">
              {t('register.open')}
            </Button>
          )
        }
      />
      <Group gap="sm" align="end" wrap="wrap">
        <Select
          label={t('filter.facility')}
          placeholder={t('filter.all')}
          data={facilityOptions(facilities, (f) => f.facilityId)}
          value={facilityId}
          onChange={setFacilityId}
          clearable
          w={260}
          data-testid="staff-facility"
        />
        <Select
          label={t('filter.status')}
          placeholder={t('filter.all')}
          data={STAFF_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
          value={status}
          onChange={setStatus}
          clearable
          w={180}
        />
        <TextInput
          label={t('filter.search')}
          placeholder={t('filter.searchHint')}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={240}
          data-testid="staff-search"
        />
      </Group>
      <ErrorNote error={list.error} what={t('what')} />
      {list.isLoading && <Loader />}
      {list.data && (
        <Paper withBorder p="sm" radius="md">
          <Text size="sm" fw={600} mb="xs" data-testid="staff-total" data-total={list.data.total}>
            {t('total', { count: list.data.total, formatted: num(list.data.total) })}
          </Text>
          <ScrollArea type="auto">
            <Table striped highlightOnHover miw={720} data-testid="staff-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('col.badge')}</Table.Th>
                  <Table.Th>{t('col.name')}</Table.Th>
                  <Table.Th>{t('col.organisation')}</Table.Th>
                  <Table.Th>{t('col.facility')}</Table.Th>
                  <Table.Th>{t('col.status')}</Table.Th>
                  <Table.Th>{t('col.onDuty')}</Table.Th>
                  <Table.Th>{t('col.face')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.items.map((s) => (
                  <Table.Tr key={s.id} onClick={() => setOpenId(s.id)} style={{ cursor: 'pointer' }} data-testid="staff-row" data-badge={s.badge}>
                    <Table.Td className="num">{s.badge}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{s.fullName}</Text>
                      {s.rank && (
                        <Text size="xs" c="dimmed">
                          {s.rank}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{t(`guards:organisation.${s.organisation}`, { defaultValue: s.organisation })}</Table.Td>
                    <Table.Td>{code(s.facilityId)}</Table.Td>
                    <Table.Td>
                      <Badge color={STATUS_COLOR[s.status] ?? 'gray'} variant="light">
                        {t(`status.${s.status}`, { defaultValue: s.status })}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{s.onDuty ? t('onDutySince', { at: dateTime(s.onDuty.since) }) : '–'}</Table.Td>
                    <Table.Td>
                      {s.faceEnrolled ? (
                        <Badge color="teal" variant="light" data-testid="face-enrolled">
                          {t('face.enrolled')}
                        </Badge>
                      ) : (
                        <Text size="xs" c="dimmed">
                          {t('face.none')}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
                {list.data.items.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={7}>
                      <Text size="sm" c="dimmed">
                        {t('empty')}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </ScrollArea>
          {list.data.total > PAGE && (
            <Pagination mt="xs" size="sm" total={Math.ceil(list.data.total / PAGE)} value={page} onChange={setPage} data-testid="staff-pages" />
          )}
        </Paper>
      )}
      <Drawer opened={!!open} onClose={() => setOpenId(null)} position="right" size="lg" title={open ? `${open.badge} · ${open.fullName}` : ''}>
        {open && <StaffPanel staff={open} canManage={canManage} facilityCode={code(open.facilityId)} />}
      </Drawer>
      <Modal opened={registering} onClose={() => setRegistering(false)} title={t('register.title')}>
        <RegisterGuard
          facilities={facilityOptions(facilities, (f) => f.facilityId)}
          defaultFacility={facilityId}
          onDone={(s) => {
            setRegistering(false);
            setSearch(s.badge);
            setOpenId(s.id);
          }}
        />
      </Modal>
    </Stack>
  );
}

function RegisterGuard({
  facilities,
  defaultFacility,
  onDone,
}: {
  facilities: { value: string; label: string }[];
  defaultFacility: string | null;
  onDone: (s: Staff) => void;
}) {
  const { t } = useTranslation('guardstaff');
  const qc = useQueryClient();
  const [badge, setBadge] = useState('');
  const [fullName, setFullName] = useState('');
  const [organisation, setOrganisation] = useState<string | null>('sdf');
  const [rank, setRank] = useState('');
  const [facilityId, setFacilityId] = useState<string | null>(defaultFacility);
  const save = useMutation({
    mutationFn: () =>
      api<Staff>('/guards/staff', {
        method: 'POST',
        body: { badge: badge.trim(), fullName: fullName.trim(), organisation, rank: rank.trim() || undefined, facilityId },
      }),
    onSuccess: async (s) => {
      await qc.invalidateQueries({ queryKey: ['guards'] });
      onDone(s);
    },
  });
  return (
    <Stack gap="sm">
      <TextInput label={t('col.badge')} value={badge} onChange={(e) => setBadge(e.currentTarget.value)} required data-testid="new-badge" />
      <TextInput label={t('col.name')} value={fullName} onChange={(e) => setFullName(e.currentTarget.value)} required data-testid="new-name" />
      <Select
        label={t('col.organisation')}
        data={ORGANISATIONS.map((o) => ({ value: o, label: t(`guards:organisation.${o}`) }))}
        value={organisation}
        onChange={setOrganisation}
        allowDeselect={false}
      />
      <TextInput label={t('col.rank')} value={rank} onChange={(e) => setRank(e.currentTarget.value)} />
      <Select label={t('col.facility')} data={facilities} value={facilityId} onChange={setFacilityId} required data-testid="new-facility" />
      <ApiErrorAlert error={save.error} />
      <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!badge.trim() || !fullName.trim() || !facilityId} data-testid="save-guard">
        {t('register.save')}
      </Button>
    </Stack>
  );
}

/** One guard: status, where they stand now, and their face for the 1:1 check-in (enrol, replace, erase with a reason). */
function StaffPanel({ staff, canManage, facilityCode }: { staff: Staff; canManage: boolean; facilityCode: string }) {
  const { t } = useTranslation('guardstaff');
  const qc = useQueryClient();
  const posts = usePosts(staff.facilityId);
  const face = useQuery({ queryKey: ['guards', 'staff-face', staff.id], queryFn: () => api<StaffFace>(`/guards/staff/${staff.id}/face`) });
  const [status, setStatus] = useState<string | null>(staff.status);
  const [reason, setReason] = useState('');
  const refresh = () => qc.invalidateQueries({ queryKey: ['guards'] });
  const saveStatus = useMutation({
    mutationFn: () => api<Staff>(`/guards/staff/${staff.id}`, { method: 'PATCH', body: { status } }),
    onSuccess: refresh,
  });
  const enrol = useMutation({
    mutationFn: async (image: Blob) => api<StaffFace>(`/guards/staff/${staff.id}/face`, { method: 'POST', body: { image: await imageAsDataUrl(image) } }),
    onSuccess: refresh,
  });
  const erase = useMutation({
    mutationFn: () => api<StaffFace>(`/guards/staff/${staff.id}/face`, { method: 'DELETE', body: { reason: reason.trim() } }),
    onSuccess: async () => {
      setReason('');
      await refresh();
    },
  });
  const post = staff.onDuty ? posts.data?.find((p) => p.id === staff.onDuty!.postId) : undefined;

  return (
    <Stack gap="md" data-testid="staff-panel">
      <Stack gap={2}>
        <Text size="sm">
          {t('col.facility')}: {facilityCode} · {t(`guards:organisation.${staff.organisation}`, { defaultValue: staff.organisation })}
          {staff.rank ? ` · ${staff.rank}` : ''}
        </Text>
        <Text size="sm">
          {t('col.status')}: {t(`status.${staff.status}`, { defaultValue: staff.status })} ({t('since', { at: dateTime(staff.statusSince) })})
        </Text>
        <Text size="sm">
          {staff.onDuty ? t('onDutyAt', { post: post ? `${post.code} · ${post.name}` : '…', at: dateTime(staff.onDuty.since) }) : t('offDuty')}
        </Text>
      </Stack>
      {canManage && (
        <Group align="end" gap="sm">
          <Select
            label={t('col.status')}
            data={STAFF_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
            value={status}
            onChange={setStatus}
            allowDeselect={false}
            w={200}
          />
          <Button variant="default" onClick={() => saveStatus.mutate()} loading={saveStatus.isPending} disabled={status === staff.status}>
            {t('saveStatus')}
          </Button>
        </Group>
      )}
      <ApiErrorAlert error={saveStatus.error} />
      <Paper withBorder p="sm" radius="md" data-testid="staff-face">
        <Text fw={600} size="sm" mb="xs">
          {t('face.title')}
        </Text>
        <ErrorNote error={face.error} what={t('face.what')} />
        {face.data &&
          (face.data.enrolled ? (
            <Text size="sm" data-testid="staff-face-state" data-enrolled="true">
              {t('face.enrolledAt', { at: dateTime(face.data.enrolledAt!), quality: num(Math.round((face.data.quality ?? 0) * 100)) })}
            </Text>
          ) : (
            <Text size="sm" c="dimmed" data-testid="staff-face-state" data-enrolled="false">
              {t('face.notEnrolled')}
            </Text>
          ))}
        {canManage && (
          <Stack gap="sm" mt="sm">
            <FaceCapture
              purpose="enrol"
              acceptLabel={face.data?.enrolled ? t('face.replace') : t('face.enrol')}
              busy={enrol.isPending}
              onAccept={(image) => enrol.mutateAsync(image)}
              checkQuality={guardFaceQuality}
              testId="staff-face-capture"
            />
            <ApiErrorAlert error={enrol.error} />
            {face.data?.enrolled && (
              <Group align="end" gap="sm">
                <Textarea label={t('face.eraseReason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={1} w={300} />
                <Button color="red" variant="light" onClick={() => erase.mutate()} loading={erase.isPending} disabled={!reason.trim()}>
                  {t('face.erase')}
                </Button>
              </Group>
            )}
            <ApiErrorAlert error={erase.error} />
          </Stack>
        )}
      </Paper>
    </Stack>
  );
}
