import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Group, Paper, Radio, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/Problems';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { Link } from '../../components/Link';
import { api, qs } from '../../lib/api';
import { dateTime, num } from '../../lib/format';
import { useFacilities } from '../../lib/queries';
import { useRouter } from '../../lib/router';
import { useSession } from '../../lib/session';
import { STATUS_COLOR, useEscapes, useReviews, type Review } from './reviews.api';

const PAGE = 20;
const STATUSES = ['drafted', 'in_review', 'approved'] as const;

/** The after-action reviews: how many there are, a page at a time, and a form to draft one on a facility's window. */
export default function ReviewsPage() {
  const { t } = useTranslation('review');
  const s = useSession();
  const facilities = useFacilities();
  const names = new Map((facilities.data ?? []).map((f) => [f.id, f.name]));
  const [facilityId, setFacilityId] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [page, setPage] = useState(0);
  const list = useReviews({ facilityId: facilityId ?? undefined, status: status ?? undefined, limit: PAGE, offset: page * PAGE });
  const total = list.data?.total ?? 0;
  const rows = list.data?.items ?? [];

  return (
    <Stack gap="md" data-testid="reviews-page">
      <PageHeader title={t('list.title')} description={t('list.description')} />
      <ErrorNote error={list.error} what={t('list.what')} />
      {s.can('reviews.write') && <DraftForm facilities={(facilities.data ?? []).map((f) => ({ value: f.id, label: f.name }))} />}
      <Group gap="sm" align="flex-end">
        <Select
          label={t('list.facility')}
          data={(facilities.data ?? []).map((f) => ({ value: f.id, label: f.name }))}
          value={facilityId}
          onChange={(v) => {
            setFacilityId(v);
            setPage(0);
          }}
          clearable
        />
        <Select
          label={t('list.status')}
          data={STATUSES.map((x) => ({ value: x, label: t(`status.${x}`) }))}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(0);
          }}
          clearable
        />
      </Group>
      <Text size="sm" data-testid="reviews-count">
        {total === 0 ? t('list.none') : t('list.range', { from: num(page * PAGE + 1), to: num(page * PAGE + rows.length), total: num(total) })}
      </Text>
      <Table striped withTableBorder data-testid="reviews-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('list.columns.title')}</Table.Th>
            <Table.Th>{t('list.columns.facility')}</Table.Th>
            <Table.Th>{t('list.columns.window')}</Table.Th>
            <Table.Th>{t('list.columns.status')}</Table.Th>
            <Table.Th>{t('list.columns.findings')}</Table.Th>
            <Table.Th>{t('list.columns.author')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td>
                <Link to={`/reviews/${r.id}`}>{r.title}</Link>
              </Table.Td>
              <Table.Td>{names.get(r.facilityId) ?? r.facilityId}</Table.Td>
              <Table.Td>{t('list.window', { from: dateTime(r.from), to: dateTime(r.to) })}</Table.Td>
              <Table.Td>
                <Badge color={STATUS_COLOR[r.status]}>{t(`status.${r.status}`)}</Badge>
              </Table.Td>
              <Table.Td>{t('list.counts', { findings: num(r.findings), items: num(r.items) })}</Table.Td>
              <Table.Td>{r.createdBy}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group gap="xs">
        <Button size="xs" variant="default" disabled={page === 0} onClick={() => setPage(page - 1)} data-testid="reviews-prev">
          {t('list.previous')}
        </Button>
        <Button size="xs" variant="default" disabled={(page + 1) * PAGE >= total} onClick={() => setPage(page + 1)} data-testid="reviews-next">
          {t('list.next')}
        </Button>
      </Group>
    </Stack>
  );
}

type DraftSubject = 'window' | 'incident' | 'escape';
const ESCAPES_PAGE = 10;

/** The escapes from a facility, newest first, ten at a time with their total: the reviewer picks one. */
function EscapePicker({ facilityId, value, onChange }: { facilityId: string; value: string | null; onChange: (id: string) => void }) {
  const { t } = useTranslation('review');
  const [page, setPage] = useState(0);
  const escapes = useEscapes({ facilityId, limit: ESCAPES_PAGE, offset: page * ESCAPES_PAGE });
  if (escapes.error) return <ApiErrorAlert error={escapes.error} />;
  const total = escapes.data?.total ?? 0;
  return (
    <Stack gap={4} data-testid="review-draft-escapes">
      <Text size="sm" fw={500}>
        {t('draft.escapes.count', { count: total, n: num(total) })}
      </Text>
      {total > 0 && (
        <Radio.Group value={value} onChange={onChange}>
          <Table striped withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th />
                <Table.Th>{t('draft.escapes.at')}</Table.Th>
                <Table.Th>{escapes.data?.persons === 'pseudonym' ? t('draft.escapes.pseudonym') : t('draft.escapes.person')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(escapes.data?.items ?? []).map((e) => (
                <Table.Tr key={e.escapeId} data-testid="review-draft-escape-row">
                  <Table.Td>
                    <Radio value={e.escapeId} aria-label={`${dateTime(e.occurredAt)} ${e.personRef}`} />
                  </Table.Td>
                  <Table.Td>{dateTime(e.occurredAt)}</Table.Td>
                  <Table.Td>{escapes.data?.persons === 'id' ? <Link to={`/persons/${e.personRef}`}>{e.personRef.slice(0, 8)}</Link> : e.personRef}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Radio.Group>
      )}
      {total > ESCAPES_PAGE && (
        <Group gap="xs">
          <Button size="xs" variant="default" disabled={page === 0} onClick={() => setPage(page - 1)}>
            {t('list.previous')}
          </Button>
          <Text size="xs" c="dimmed">
            {t('draft.escapes.range', { from: num(page * ESCAPES_PAGE + 1), to: num(Math.min(total, (page + 1) * ESCAPES_PAGE)), total: num(total) })}
          </Text>
          <Button
            size="xs"
            variant="default"
            disabled={(page + 1) * ESCAPES_PAGE >= total}
            onClick={() => setPage(page + 1)}
            data-testid="review-draft-escapes-next"
          >
            {t('list.next')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/**
 * A new review on one subject: a facility and a window (UTC), one of the facility's incidents (its window, units and
 * persons), or an escape (the ledger event ESCAPED: the facility, from the last verified presence, the household).
 * Its timeline and findings are frozen into it on the server.
 */
function DraftForm({ facilities }: { facilities: { value: string; label: string }[] }) {
  const { t } = useTranslation('review');
  const qc = useQueryClient();
  const { navigate } = useRouter();
  const [subject, setSubject] = useState<DraftSubject>('window');
  const [facilityId, setFacilityId] = useState<string | null>(null);
  const [incidentId, setIncidentId] = useState<string | null>(null);
  const [escapeId, setEscapeId] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [from, setFrom] = useState('2026-01-20T00:00');
  const [to, setTo] = useState('2026-01-21T00:00');
  const incidents = useQuery({
    queryKey: ['review-draft-incidents', facilityId],
    queryFn: () =>
      api<{ total: number; rows: { id: string; title: string; firstAlarmAt: string }[] }>(
        `/incidents${qs({ facilityId: facilityId!, limit: 200, offset: 0 })}`,
      ),
    enabled: subject === 'incident' && !!facilityId,
  });
  const body = () => {
    if (subject === 'incident') return { incidentId, title };
    if (subject === 'escape') return { escapeId, title };
    return { facilityId, title, from: new Date(`${from}:00Z`).toISOString(), to: new Date(`${to}:00Z`).toISOString() };
  };
  const draft = useMutation({
    mutationFn: () => api<Review>('/reviews', { method: 'POST', body: body() }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['reviews'] });
      navigate(`/reviews/${r.id}`);
    },
  });
  const ready = title.trim().length > 0 && (subject === 'window' ? !!facilityId : subject === 'incident' ? !!incidentId : !!escapeId);
  return (
    <Paper withBorder p="sm" radius="md" data-testid="review-draft">
      <Title order={2} size="h4" mb="xs">
        {t('draft.title')}
      </Title>
      <SegmentedControl
        mb="xs"
        value={subject}
        onChange={(v) => setSubject(v as DraftSubject)}
        data={(['window', 'incident', 'escape'] as const).map((v) => ({ value: v, label: t(`draft.subjects.${v}`) }))}
        data-testid="review-draft-subject"
      />
      <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
        <Select
          label={t('draft.facility')}
          data={facilities}
          value={facilityId}
          onChange={(id) => {
            setFacilityId(id);
            setIncidentId(null);
            setEscapeId(null);
          }}
          searchable
          data-testid="review-draft-facility"
        />
        {subject === 'incident' && (
          <Select
            label={t('draft.incident')}
            data={(incidents.data?.rows ?? []).map((i) => ({ value: i.id, label: `${dateTime(i.firstAlarmAt)}: ${i.title}` }))}
            value={incidentId}
            onChange={setIncidentId}
            nothingFoundMessage={t('draft.noIncidents')}
            searchable
            data-testid="review-draft-incident"
          />
        )}
        <TextInput label={t('draft.name')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} data-testid="review-draft-title" />
        {subject === 'window' && (
          <>
            <TextInput label={t('draft.from')} type="datetime-local" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
            <TextInput label={t('draft.to')} type="datetime-local" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
          </>
        )}
      </SimpleGrid>
      {subject === 'escape' && facilityId && <EscapePicker key={facilityId} facilityId={facilityId} value={escapeId} onChange={setEscapeId} />}
      <Text size="xs" c="dimmed" mt={4}>
        {t(`draft.hints.${subject}`)}
      </Text>
      {draft.error && <ApiErrorAlert error={draft.error} />}
      <Button mt="sm" disabled={!ready} loading={draft.isPending} onClick={() => draft.mutate()} data-testid="review-draft-submit">
        {t('draft.submit')}
      </Button>
    </Paper>
  );
}
