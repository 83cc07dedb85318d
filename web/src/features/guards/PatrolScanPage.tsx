import { useEffect, useRef, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert as Note, Badge, Button, Group, Paper, Progress, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../lib/api';
import { dateTime } from '../../lib/format';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/Problems';
import { useGuardOverview } from './guards.api';
import { usePatrolStatus, worstFirst, type Round, type Scan } from './patrols.api';
import { facilityOptions } from '../../lib/queries';

type Method = 'qr' | 'nfc' | 'typed';

/**
 * The patrol phone: a guard on duty starts a round of a route, then scans each checkpoint's tag. The tag field takes a
 * keyboard-wedge QR or NFC reader (it types the tag and Enter) or typed entry. An open round of the route is resumed.
 */
export default function PatrolScanPage() {
  const { t } = useTranslation('patrols');
  const qc = useQueryClient();
  const overview = useGuardOverview();
  const [facilityId, setFacilityId] = useState<string | null>(null);
  useEffect(() => {
    // the facility in the worst state first, as on the staffing board
    if (!facilityId && overview.data?.length) setFacilityId(worstFirst(overview.data)[0]!.facilityId);
  }, [overview.data, facilityId]);
  const status = usePatrolStatus(facilityId, 1);
  const [routeId, setRouteId] = useState<string | null>(null);
  const [badge, setBadge] = useState('');
  const [round, setRound] = useState<Round | null>(null);
  const [tag, setTag] = useState('');
  const [method, setMethod] = useState<Method>('qr');
  const [last, setLast] = useState<Scan | null>(null);
  const tagInput = useRef<HTMLInputElement>(null);
  const route = status.data?.routes.find((r) => r.id === routeId) ?? null;
  const resumable = !round && route?.openRound ? route.openRound : null;

  const start = useMutation({
    mutationFn: () => api<Round>('/guards/patrol-rounds', { method: 'POST', body: { routeId, badge: badge.trim() } }),
    onSuccess: (r) => {
      setRound(r);
      setLast(null);
      void qc.invalidateQueries({ queryKey: ['guards', 'patrols'] });
    },
  });
  const scan = useMutation({
    mutationFn: () => api<Scan>(`/guards/patrol-rounds/${round!.id}/scans`, { method: 'POST', body: { tagId: tag.trim(), method } }),
    onSuccess: (s) => {
      setLast(s);
      setRound(s.round);
      setTag('');
      void qc.invalidateQueries({ queryKey: ['guards', 'patrols'] });
    },
    onSettled: () => tagInput.current?.focus(),
  });
  useEffect(() => {
    if (round?.status === 'open') tagInput.current?.focus();
  }, [round]);
  const problem = (e: unknown) => (e instanceof ApiError ? e.message : e ? String(e) : null);
  const error = problem(start.error) ?? problem(scan.error);

  return (
    <Stack gap="md" maw={560}>
      <PageHeader title={t('scan.title')} description={t('scan.description')} />
      <ErrorNote error={overview.error} what={t('what')} />
      {!round && (
        <Paper withBorder p="md" radius="md">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              start.mutate();
            }}
          >
            <Stack gap="sm">
              <Select
                label={t('facility')}
                data={facilityOptions(overview.data, (f) => f.facilityId)}
                value={facilityId}
                onChange={(v) => {
                  setFacilityId(v);
                  setRouteId(null);
                }}
                allowDeselect={false}
              />
              <Select
                label={t('scan.route')}
                placeholder={t('scan.chooseRoute')}
                data={(status.data?.routes ?? []).filter((r) => r.active).map((r) => ({ value: r.id, label: `${r.code} · ${r.name}` }))}
                value={routeId}
                onChange={setRouteId}
                data-testid="patrol-route-select"
              />
              <TextInput
                label={t('scan.badge')}
                value={badge}
                onChange={(e) => setBadge(e.currentTarget.value)}
                autoComplete="off"
                maxLength={64}
                data-testid="patrol-badge"
              />
              <Group>
                <Button type="submit" disabled={!badge.trim() || !routeId} loading={start.isPending}>
                  {t('scan.start')}
                </Button>
                {resumable && (
                  <Button variant="default" onClick={() => setRound(resumable)} data-testid="patrol-resume">
                    {t('scan.resume', { badge: resumable.badge })}
                  </Button>
                )}
              </Group>
            </Stack>
          </form>
        </Paper>
      )}
      {round && (
        <Paper withBorder p="md" radius="md" data-testid="patrol-round">
          <Stack gap="sm">
            <Group justify="space-between">
              <Text fw={600}>{t('scan.roundOf', { route: round.routeCode, badge: round.badge, at: dateTime(round.startedAt) })}</Text>
              <Badge color={round.status === 'completed' ? 'teal' : round.status === 'open' ? 'blue' : 'orange'} data-testid="patrol-round-status">
                {t(`status.${round.status}`)}
              </Badge>
            </Group>
            <Progress value={(round.scanned / Math.max(1, round.total)) * 100} aria-label={t('scan.progressLabel')} />
            <Text size="sm" data-testid="patrol-progress">
              {t('scan.progress', { scanned: round.scanned, total: round.total })}
            </Text>
            {round.next && (
              <Text size="sm" c="dimmed">
                {t('scan.next', { position: round.next.position, name: round.next.name })}
              </Text>
            )}
            {round.status === 'open' ? (
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  if (tag.trim()) scan.mutate();
                }}
              >
                <Stack gap="sm">
                  <TextInput
                    ref={tagInput}
                    label={t('scan.tag')}
                    description={t('scan.tagHint')}
                    value={tag}
                    onChange={(e) => setTag(e.currentTarget.value)}
                    autoComplete="off"
                    autoCapitalize="off"
                    spellCheck={false}
                    maxLength={128}
                    size="lg"
                    data-testid="patrol-tag"
                  />
                  <SegmentedControl
                    value={method}
                    onChange={(v) => setMethod(v as Method)}
                    data={[
                      { value: 'qr', label: t('method.qr') },
                      { value: 'nfc', label: t('method.nfc') },
                      { value: 'typed', label: t('method.typed') },
                    ]}
                  />
                  <Button type="submit" size="md" disabled={!tag.trim()} loading={scan.isPending}>
                    {t('scan.record')}
                  </Button>
                </Stack>
              </form>
            ) : (
              <Button
                variant="light"
                onClick={() => {
                  setRound(null);
                  setLast(null);
                  scan.reset();
                }}
              >
                {t('scan.another')}
              </Button>
            )}
          </Stack>
        </Paper>
      )}
      {last && (
        <Note color={last.inOrder ? 'teal' : 'orange'} data-testid="patrol-scan-done">
          {last.inOrder
            ? t('scan.recorded', { position: last.position, name: last.checkpointName, at: dateTime(last.at) })
            : t('scan.recordedOutOfOrder', { position: last.position, name: last.checkpointName, at: dateTime(last.at) })}
        </Note>
      )}
      {error && (
        <Note color="red" role="alert" title={t('scan.refused')} data-testid="patrol-error">
          {error}
        </Note>
      )}
    </Stack>
  );
}
