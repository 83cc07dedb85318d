import { lazy, Suspense, useMemo, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Checkbox, Group, Paper, Select, SimpleGrid, Stack, Tabs, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/Problems';
import { StatCard } from '../../components/StatCard';
import type { MapFacility } from '../../components/FacilityMap';
import { api } from '../../lib/api';
import { dateTime, num } from '../../lib/format';
import { useFacilities } from '../../lib/queries';
import { useSession } from '../../lib/session';
import { NOTICE_FIELDS, RECIPIENT_KINDS, STATUS_COLOR, useFigures, useNotices, useSightings, useWanted, type Notice, type Sighting } from './sightings.api';

const FacilityMap = lazy(() => import('../../components/FacilityMap'));

/** The investigator's view: figures, the map of sightings, the list to confirm or reject, recapture, notices. */
export default function SightingsPage() {
  const { t } = useTranslation('sightings');
  const s = useSession();
  const sightings = useSightings();
  const figures = useFigures();
  const [tab, setTab] = useState<string | null>('sightings');

  // One dot per place: its size is how many sightings there, red while some wait for a decision.
  const places = useMemo<MapFacility[]>(() => {
    const by = new Map<string, MapFacility>();
    for (const x of sightings.data?.rows ?? []) {
      if (x.latitude === null || x.longitude === null) continue;
      const key = `${x.latitude.toFixed(2)},${x.longitude.toFixed(2)}`;
      const p = by.get(key) ?? {
        id: key,
        code: x.place,
        name: x.place,
        latitude: x.latitude,
        longitude: x.longitude,
        population: 0,
        delta: null,
        openAlerts: 0,
      };
      p.population += 1;
      if (x.status === 'reported') p.openAlerts += 1;
      by.set(key, p);
    }
    return [...by.values()];
  }, [sightings.data]);

  const f = figures.data;
  return (
    <Stack gap="md" data-testid="sightings-page">
      <PageHeader title={t('page.title')} description={t('page.description')} />
      <ErrorNote error={figures.error ?? sightings.error} what={t('page.what')} />
      {f && (
        <SimpleGrid cols={{ base: 2, sm: 3, md: 6 }}>
          <StatCard label={t('figures.wanted')} value={num(f.wanted)} hint={t('figures.minors', { n: num(f.minors) })} testId="figure-wanted" />
          <StatCard
            label={t('figures.sighted')}
            value={num(f.sighted)}
            hint={f.hitToAlertSeconds.median === null ? undefined : t('figures.hitToAlert', { s: num(f.hitToAlertSeconds.median) })}
            testId="figure-sighted"
          />
          <StatCard label={t('figures.confirmed')} value={num(f.confirmed)} />
          <StatCard
            label={t('figures.recaptured')}
            value={num(f.recaptured)}
            hint={t('figures.afterSighting', { n: num(f.recapturedAfterSighting) })}
            testId="figure-recaptured"
          />
          <StatCard label={t('figures.daysMedian')} value={num(f.daysAtLarge.median)} hint={t('figures.daysMax', { n: num(f.daysAtLarge.max) })} />
          <StatCard
            label={t('figures.checks')}
            value={num(f.checks.total)}
            hint={t('figures.hits', { n: num(f.checks.hits), retakes: num(f.checks.retakes) })}
          />
        </SimpleGrid>
      )}
      <Paper withBorder p="xs" radius="md" data-testid="sightings-map">
        <Text size="sm" fw={600} mb={4}>
          {t('map.title', { count: places.length, n: num(places.length) })}
        </Text>
        <Suspense fallback={null}>{sightings.data && <FacilityMap facilities={places} />}</Suspense>
      </Paper>
      <Tabs value={tab} onChange={setTab}>
        <Tabs.List>
          <Tabs.Tab value="sightings">{t('tabs.sightings')}</Tabs.Tab>
          <Tabs.Tab value="wanted">{t('tabs.wanted')}</Tabs.Tab>
          <Tabs.Tab value="figures">{t('tabs.figures')}</Tabs.Tab>
          {s.can('notices.read') && <Tabs.Tab value="notices">{t('tabs.notices')}</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="sightings" pt="sm">
          <Text size="sm" c="dimmed" data-testid="sightings-count">
            {t('list.count', { count: sightings.data?.total ?? 0, n: num(sightings.data?.total ?? 0) })}
          </Text>
          <Stack gap="xs" mt="xs">
            {sightings.data?.rows.map((x) => (
              <SightingCard key={x.id} sighting={x} />
            ))}
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="wanted" pt="sm">
          {tab === 'wanted' && <WantedList />}
        </Tabs.Panel>
        <Tabs.Panel value="figures" pt="sm">
          {f && (
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Paper withBorder p="sm">
                <Title order={5}>{t('figures.byFacility')}</Title>
                {f.byFacility.map((r) => (
                  <Group key={r.facilityId ?? 'none'} justify="space-between">
                    <Text size="sm">{r.facility ?? t('figures.unknown')}</Text>
                    <Text size="sm">{t('figures.pair', { escaped: num(r.escaped), unaccounted: num(r.unaccounted) })}</Text>
                  </Group>
                ))}
              </Paper>
              <Paper withBorder p="sm">
                <Title order={5}>{t('figures.byNationality')}</Title>
                {f.byNationality.map((r) => (
                  <Group key={r.nationality} justify="space-between">
                    <Text size="sm">{r.nationality}</Text>
                    <Text size="sm">{t('figures.pair', { escaped: num(r.escaped), unaccounted: num(r.unaccounted) })}</Text>
                  </Group>
                ))}
              </Paper>
            </SimpleGrid>
          )}
        </Tabs.Panel>
        {s.can('notices.read') && (
          <Tabs.Panel value="notices" pt="sm">
            {tab === 'notices' && <NoticesPanel />}
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}

function SightingCard({ sighting: x }: { sighting: Sighting }) {
  const { t } = useTranslation('sightings');
  const s = useSession();
  const qc = useQueryClient();
  const facilities = useFacilities();
  const [reason, setReason] = useState('');
  const [to, setTo] = useState<string | null>(null);
  const act = useMutation({
    mutationFn: (what: 'confirm' | 'reject' | 'recapture') =>
      api(`/sightings/${x.id}/${what}`, {
        method: 'POST',
        body: what === 'recapture' ? { facilityId: to } : reason.trim() ? { reason: reason.trim() } : {},
      }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['sightings'] }),
  });
  return (
    <Paper withBorder p="sm" radius="md" data-testid="sighting" data-status={x.status}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Text fw={600}>{x.name ?? t('list.person')}</Text>
        <Group gap={4}>
          {x.minor && <Badge color="grape">{t('list.minor')}</Badge>}
          <Badge color={STATUS_COLOR[x.status]}>{t(`status.${x.status}`)}</Badge>
        </Group>
      </Group>
      <Text size="sm">{t('list.where', { place: x.place, at: dateTime(x.at) })}</Text>
      <Text size="xs" c="dimmed">
        {t(`source.${x.source}`, { method: t(`method.${x.method}`, { defaultValue: x.method }), reference: x.reference ?? '', by: x.reportedBy })}
        {x.facility ? ` · ${t('list.left', { facility: x.facility })}` : ''}
      </Text>
      {x.decidedBy && (
        <Text size="xs" c="dimmed">
          {t('list.decided', { by: x.decidedBy, at: dateTime(x.decidedAt) })}
          {x.decisionReason ? ` — ${x.decisionReason}` : ''}
        </Text>
      )}
      {x.status === 'reported' && s.can('sightings.decide') && (
        <Group mt="xs" gap="xs" align="flex-end" wrap="wrap">
          <TextInput
            size="xs"
            placeholder={t('list.reason')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            style={{ flex: 1, minWidth: 140 }}
          />
          <Button size="xs" color="red" onClick={() => act.mutate('confirm')} loading={act.isPending} data-testid="sighting-confirm">
            {t('list.confirm')}
          </Button>
          <Button size="xs" variant="default" onClick={() => act.mutate('reject')} disabled={!reason.trim()} data-testid="sighting-reject">
            {t('list.reject')}
          </Button>
        </Group>
      )}
      {x.status === 'confirmed' && s.can('sightings.recapture') && (
        <Group mt="xs" gap="xs" align="flex-end" wrap="wrap">
          <Select
            size="xs"
            placeholder={t('list.admitTo')}
            data={(facilities.data ?? []).map((fa) => ({ value: fa.id, label: `${fa.code} · ${fa.name}` }))}
            value={to}
            onChange={setTo}
            style={{ flex: 1, minWidth: 160 }}
          />
          <Button size="xs" onClick={() => act.mutate('recapture')} disabled={!to} loading={act.isPending} data-testid="sighting-recapture">
            {t('list.recapture')}
          </Button>
        </Group>
      )}
      <ErrorNote error={act.error} />
    </Paper>
  );
}

function WantedList() {
  const { t } = useTranslation('sightings');
  const wanted = useWanted();
  return (
    <Stack gap={4}>
      <ErrorNote error={wanted.error} />
      <Text size="sm" c="dimmed" data-testid="wanted-count">
        {t('wanted.count', { count: wanted.data?.total ?? 0, n: num(wanted.data?.total ?? 0) })}
      </Text>
      {wanted.data?.rows.map((w) => (
        <Group key={w.personId} justify="space-between" wrap="wrap" gap="xs">
          <Text size="sm">{w.name ?? t('list.person')}</Text>
          <Group gap={4}>
            {w.minor && <Badge color="grape">{t('list.minor')}</Badge>}
            <Badge variant="light">{t(`wantedStatus.${w.status}`)}</Badge>
            <Text size="xs" c="dimmed">
              {t('wanted.days', { count: w.daysAtLarge, n: num(w.daysAtLarge) })}
            </Text>
          </Group>
        </Group>
      ))}
    </Stack>
  );
}

function NoticesPanel() {
  const { t } = useTranslation('sightings');
  const s = useSession();
  const qc = useQueryClient();
  const notices = useNotices(true);
  const wanted = useWanted();
  const [personId, setPersonId] = useState<string | null>(null);
  const [recipient, setRecipient] = useState('');
  const [kind, setKind] = useState<string | null>('state_liaison');
  const [country, setCountry] = useState('');
  const [fields, setFields] = useState<string[]>(['names', 'escape']);
  const [basis, setBasis] = useState('');
  const create = useMutation({
    mutationFn: () =>
      api<Notice>('/sightings/notices', {
        method: 'POST',
        body: { personId, recipient: recipient.trim(), recipientKind: kind, recipientCountry: country.trim() || undefined, fields, legalBasis: basis.trim() },
      }),
    onSuccess: () => {
      setRecipient('');
      setBasis('');
      void qc.invalidateQueries({ queryKey: ['sightings', 'notices'] });
    },
  });
  const act = useMutation({
    mutationFn: async ({ id, what }: { id: string; what: 'approve' | 'export' }) => {
      const r = await api<unknown>(`/sightings/notices/${id}/${what}`, { method: 'POST' });
      if (what === 'export') {
        const url = URL.createObjectURL(new Blob([JSON.stringify(r, null, 2)], { type: 'application/json' }));
        const a = document.createElement('a');
        a.href = url;
        a.download = `notice-${id}.json`;
        a.click();
        URL.revokeObjectURL(url);
      }
    },
    onSettled: () => void qc.invalidateQueries({ queryKey: ['sightings', 'notices'] }),
  });
  return (
    <Stack gap="sm">
      {s.can('notices.draft') && (
        <Paper withBorder p="sm" radius="md">
          <Title order={5}>{t('notices.new')}</Title>
          <Stack gap="xs">
            <Select
              label={t('notices.person')}
              data={(wanted.data?.rows ?? []).map((w) => ({ value: w.personId, label: `${w.name ?? w.personId}${w.minor ? ` (${t('list.minor')})` : ''}` }))}
              value={personId}
              onChange={setPersonId}
              searchable
            />
            <TextInput label={t('notices.recipient')} value={recipient} onChange={(e) => setRecipient(e.currentTarget.value)} />
            <Group grow>
              <Select label={t('notices.kind')} data={RECIPIENT_KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))} value={kind} onChange={setKind} />
              <TextInput label={t('notices.country')} value={country} onChange={(e) => setCountry(e.currentTarget.value)} maxLength={3} />
            </Group>
            <Checkbox.Group label={t('notices.fields')} value={fields} onChange={setFields}>
              <Group gap="xs" mt={4}>
                {NOTICE_FIELDS.map((f) => (
                  <Checkbox key={f} value={f} label={t(`field.${f}`)} />
                ))}
              </Group>
            </Checkbox.Group>
            <Textarea label={t('notices.legalBasis')} value={basis} onChange={(e) => setBasis(e.currentTarget.value)} autosize minRows={2} />
            <ErrorNote error={create.error} />
            <Button
              onClick={() => create.mutate()}
              disabled={!personId || !recipient.trim() || basis.trim().length < 3 || fields.length === 0}
              loading={create.isPending}
            >
              {t('notices.create')}
            </Button>
          </Stack>
        </Paper>
      )}
      <Text size="sm" c="dimmed">
        {t('notices.count', { count: notices.data?.total ?? 0, n: num(notices.data?.total ?? 0) })}
      </Text>
      <ErrorNote error={act.error ?? notices.error} />
      {notices.data?.rows.map((n) => (
        <Paper key={n.id} withBorder p="sm" radius="md">
          <Group justify="space-between" wrap="wrap">
            <Text fw={600}>{n.recipient}</Text>
            <Badge>{t(`noticeStatus.${n.status}`)}</Badge>
          </Group>
          <Text size="xs" c="dimmed">
            {t(`kind.${n.recipientKind}`)} · {n.fields.map((f) => t(`field.${f}`)).join(', ')}
          </Text>
          <Text size="xs">{n.legalBasis}</Text>
          <Text size="xs" c="dimmed">
            {t('notices.approvals', { count: n.approvals.length, names: n.approvals.map((a) => a.username).join(', ') })}
          </Text>
          <Group gap="xs" mt={4}>
            {s.can('notices.approve') && n.status !== 'exported' && (
              <Button size="xs" variant="default" onClick={() => act.mutate({ id: n.id, what: 'approve' })}>
                {t('notices.approve')}
              </Button>
            )}
            {s.can('notices.draft') && (
              <Button size="xs" onClick={() => act.mutate({ id: n.id, what: 'export' })} disabled={n.approvals.length < 2}>
                {t('notices.export')}
              </Button>
            )}
          </Group>
        </Paper>
      ))}
    </Stack>
  );
}
