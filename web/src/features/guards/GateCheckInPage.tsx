import { useEffect, useState } from 'react';
import { errorText } from '../../i18n/errors';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert as Note, Button, Group, Paper, SegmentedControl, Select, Stack, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../lib/api';
import { dateTime } from '../../lib/format';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/Problems';
import { guardFaceQuality, useGuardOverview, usePosts } from './guards.api';
import { FaceCapture } from '../biometrics/FaceCapture';
import { imageAsDataUrl } from '../verify/verify.api';
import { facilityOptions } from '../../lib/queries';

interface GuardVerification {
  id: string;
  badge: string;
  result: 'match' | 'no_match';
  score: number;
  validUntil: string;
}

interface Attendance {
  staffId: string;
  postId: string;
  checkedInAt: string;
  checkedOutAt: string | null;
  lateMinutes: number;
}

/** The gate tablet: a guard's badge, the post, and check-in or check-out (a supervisor may confirm instead of the badge). */
export default function GateCheckInPage() {
  const { t } = useTranslation('guards');
  const qc = useQueryClient();
  const overview = useGuardOverview();
  const [facilityId, setFacilityId] = useState<string | null>(null);
  useEffect(() => {
    if (!facilityId && overview.data?.[0]) setFacilityId(overview.data[0].facilityId);
  }, [overview.data, facilityId]);
  const posts = usePosts(facilityId);
  const [postId, setPostId] = useState<string | null>(null);
  const [badge, setBadge] = useState('');
  const [method, setMethod] = useState<'badge' | 'supervisor' | 'biometric'>('badge');
  const [verification, setVerification] = useState<GuardVerification | null>(null);
  const verify = useMutation({
    mutationFn: async (image: Blob) =>
      api<GuardVerification>('/guards/face/verify', { method: 'POST', body: { badge: badge.trim(), image: await imageAsDataUrl(image) } }),
    onMutate: () => setVerification(null),
    onSuccess: setVerification,
  });
  const matched = method !== 'biometric' || (verification?.result === 'match' && verification.badge === badge.trim());
  const [done, setDone] = useState<string | null>(null);

  const send = useMutation({
    mutationFn: async (kind: 'in' | 'out') =>
      kind === 'in'
        ? {
            kind,
            a: await api<Attendance>('/guards/attendance/check-in', {
              method: 'POST',
              body: { badge: badge.trim(), postId, method, ...(method === 'biometric' ? { evidence: verification?.id } : {}) },
            }),
          }
        : { kind, a: await api<Attendance>('/guards/attendance/check-out', { method: 'POST', body: { badge: badge.trim() } }) },
    onSuccess: ({ kind, a }) => {
      const post = posts.data?.find((p) => p.id === a.postId)?.code ?? '';
      setDone(
        kind === 'in'
          ? a.lateMinutes > 0
            ? t('gate.checkedInLate', { badge: badge.trim(), post, at: dateTime(a.checkedInAt), minutes: a.lateMinutes })
            : t('gate.checkedIn', { badge: badge.trim(), post, at: dateTime(a.checkedInAt) })
          : t('gate.checkedOut', { badge: badge.trim(), post, at: dateTime(a.checkedOutAt) }),
      );
      setBadge('');
      setVerification(null);
      void qc.invalidateQueries({ queryKey: ['guards'] });
    },
    onMutate: () => setDone(null),
  });
  const failed = send.error ?? verify.error;
  const error = failed instanceof ApiError ? errorText(failed) : failed ? String(failed) : null;

  return (
    <Stack gap="md" maw={560}>
      <PageHeader title={t('gate.title')} description={t('gate.description')} />
      <ErrorNote error={overview.error} what={t('overview.what')} />
      <Paper withBorder p="md" radius="md">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            send.mutate('in');
          }}
        >
          <Stack gap="sm">
            <Select
              label={t('board.facility')}
              data={facilityOptions(overview.data, (f) => f.facilityId)}
              value={facilityId}
              onChange={(v) => {
                setFacilityId(v);
                setPostId(null);
              }}
              allowDeselect={false}
            />
            <Select
              label={t('gate.post')}
              placeholder={t('gate.choosePost')}
              data={(posts.data ?? []).filter((p) => p.active).map((p) => ({ value: p.id, label: `${p.code} · ${p.name}` }))}
              value={postId}
              onChange={setPostId}
              searchable
              data-testid="gate-post"
            />
            <TextInput
              label={t('gate.badge')}
              value={badge}
              onChange={(e) => setBadge(e.currentTarget.value)}
              autoComplete="off"
              maxLength={64}
              data-testid="gate-badge"
            />
            <SegmentedControl
              value={method}
              onChange={(v) => setMethod(v as 'badge' | 'supervisor' | 'biometric')}
              data={[
                { value: 'badge', label: t('method.badge') },
                { value: 'biometric', label: t('method.biometric') },
                { value: 'supervisor', label: t('method.supervisor') },
              ]}
              data-testid="gate-method"
            />
            {method === 'biometric' && (
              <Stack gap="xs" data-testid="gate-face">
                <FaceCapture
                  purpose="probe"
                  acceptLabel={t('gate.verifyFace')}
                  busy={verify.isPending || !badge.trim()}
                  onAccept={(image) => verify.mutateAsync(image).catch(() => undefined)}
                  checkQuality={guardFaceQuality}
                  testId="gate-face-capture"
                />
                {verification && (
                  <Note color={verification.result === 'match' ? 'teal' : 'red'} data-testid="gate-verification">
                    {verification.result === 'match'
                      ? t('gate.faceMatch', { badge: verification.badge, until: dateTime(verification.validUntil) })
                      : t('gate.faceNoMatch', { badge: verification.badge })}
                  </Note>
                )}
              </Stack>
            )}
            <Group>
              <Button type="submit" disabled={!badge.trim() || !postId || !matched} loading={send.isPending && send.variables === 'in'}>
                {t('gate.checkIn')}
              </Button>
              <Button variant="default" disabled={!badge.trim()} onClick={() => send.mutate('out')} loading={send.isPending && send.variables === 'out'}>
                {t('gate.checkOut')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
      {done && (
        <Note color="teal" data-testid="gate-done">
          {done}
        </Note>
      )}
      {error && (
        <Note color="red" role="alert" title={t('gate.refused')} data-testid="gate-error">
          {error}
        </Note>
      )}
    </Stack>
  );
}
