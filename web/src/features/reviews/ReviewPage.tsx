import { useEffect, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Group, Paper, Select, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/Problems';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { api, download } from '../../lib/api';
import { dateTime, num } from '../../lib/format';
import { useFacilityNames } from '../../lib/queries';
import { useSession } from '../../lib/session';
import { SECTION_KEYS, SEVERITY_COLOR, STATUS_COLOR, useReview, useReviewTimeline, type Review, type SectionKey } from './reviews.api';

const PAGE = 100;

/** One after-action review: its life and actions, the five sections, the findings, and the frozen timeline. */
export default function ReviewPage({ id }: { id: string }) {
  const { t } = useTranslation('review');
  const review = useReview(id);
  const facilities = useFacilityNames();
  const r = review.data;
  return (
    <Stack gap="md" data-testid="review-page">
      <ErrorNote error={review.error} what={t('page.what')} />
      {r && (
        <>
          <PageHeader
            title={r.title}
            description={t('page.description', {
              facility: facilities.get(r.facilityId)?.name ?? r.facilityId,
              from: dateTime(r.from),
              to: dateTime(r.to),
              author: r.createdBy,
            })}
            actions={
              <Badge size="lg" color={STATUS_COLOR[r.status]} data-testid="review-status">
                {t(`status.${r.status}`)}
              </Badge>
            }
          />
          {(r.incidentId || r.escapeId) && (
            <Text size="sm" data-testid="review-subject">
              {r.incidentId ? t('page.subject.incident') : t('page.subject.escape')}:{' '}
              <Text span ff="monospace" size="xs">
                {r.incidentId ?? r.escapeId}
              </Text>
            </Text>
          )}
          <Actions review={r} />
          <Sections review={r} />
          <Findings review={r} />
          <Timeline id={r.id} persons={r.persons} />
        </>
      )}
    </Stack>
  );
}

function Actions({ review: r }: { review: Review }) {
  const { t } = useTranslation('review');
  const s = useSession();
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const step = useMutation({
    mutationFn: (what: 'submit' | 'approve' | 'refresh' | 'return') =>
      api<Review>(`/reviews/${r.id}/${what}`, { method: 'POST', body: what === 'return' ? { reason } : undefined }),
    onSuccess: (next) => {
      qc.setQueryData(['review', r.id], next);
      void qc.invalidateQueries({ queryKey: ['review-timeline', r.id] });
      void qc.invalidateQueries({ queryKey: ['reviews'] });
    },
  });
  return (
    <Paper withBorder p="sm" radius="md">
      <Group gap="sm" wrap="wrap">
        {r.status === 'drafted' && s.can('reviews.write') && (
          <>
            <Button size="xs" variant="default" onClick={() => step.mutate('refresh')} loading={step.isPending} data-testid="review-refresh">
              {t('actions.refresh')}
            </Button>
            <Button size="xs" onClick={() => step.mutate('submit')} loading={step.isPending} data-testid="review-submit">
              {t('actions.submit')}
            </Button>
          </>
        )}
        {r.status === 'in_review' && s.can('reviews.approve') && (
          <>
            <Button size="xs" color="teal" onClick={() => step.mutate('approve')} loading={step.isPending} data-testid="review-approve">
              {t('actions.approve')}
            </Button>
            <TextInput size="xs" placeholder={t('actions.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
            <Button size="xs" variant="default" disabled={reason.trim().length === 0} onClick={() => step.mutate('return')} loading={step.isPending}>
              {t('actions.return')}
            </Button>
          </>
        )}
        <Button size="xs" variant="light" onClick={() => void download(`/reviews/${r.id}/export.html`, `review-${r.id}.html`)} data-testid="review-print">
          {t('actions.print')}
        </Button>
        {r.signed && (
          <Button size="xs" variant="light" onClick={() => void download(`/reviews/${r.id}/export.json`, `review-${r.id}.json`)} data-testid="review-json">
            {t('actions.json')}
          </Button>
        )}
      </Group>
      <Text size="xs" c="dimmed" mt={6}>
        {r.status === 'approved'
          ? t('life.approved', { by: r.approvedBy ?? '', at: dateTime(r.approvedAt) })
          : r.status === 'in_review'
            ? t('life.inReview', { by: r.submittedBy ?? '' })
            : t('life.drafted')}{' '}
        {t('life.snapshot', { at: dateTime(r.snapshotAt), hash: r.snapshotHash.slice(0, 16) })}
      </Text>
      {step.error && <ApiErrorAlert error={step.error} />}
    </Paper>
  );
}

function Sections({ review: r }: { review: Review }) {
  const { t } = useTranslation('review');
  const s = useSession();
  const qc = useQueryClient();
  const editable = r.status === 'drafted' && s.can('reviews.write');
  const [text, setText] = useState(r.sections);
  useEffect(() => setText(r.sections), [r.sections]);
  const save = useMutation({
    mutationFn: () => api<Review>(`/reviews/${r.id}`, { method: 'PATCH', body: { sections: text } }),
    onSuccess: (next) => qc.setQueryData(['review', r.id], next),
  });
  const dirty = SECTION_KEYS.some((k) => text[k] !== r.sections[k]);
  return (
    <Paper withBorder p="sm" radius="md" data-testid="review-sections">
      <Stack gap="sm">
        {SECTION_KEYS.map((k: SectionKey) => (
          <div key={k}>
            <Title order={2} size="h5">
              {t(`sections.${k}.title`)}
            </Title>
            {editable ? (
              <Textarea
                autosize
                minRows={2}
                description={t(`sections.${k}.hint`)}
                value={text[k]}
                onChange={(e) => setText({ ...text, [k]: e.currentTarget.value })}
                data-testid={`review-section-${k}`}
              />
            ) : (
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} c={r.sections[k] ? undefined : 'dimmed'}>
                {r.sections[k] || t('sections.empty')}
              </Text>
            )}
          </div>
        ))}
        {editable && (
          <Group>
            <Button size="xs" disabled={!dirty} loading={save.isPending} onClick={() => save.mutate()} data-testid="review-save">
              {t('sections.save')}
            </Button>
          </Group>
        )}
        {save.error && <ApiErrorAlert error={save.error} />}
      </Stack>
    </Paper>
  );
}

const FINDINGS_PAGE = 50;

/**
 * The findings, a page at a time: at full scale a day holds thousands (one per person or household missing), so they
 * are paged here and may be narrowed to one measure; the counts per measure are shown with the filter.
 */
function Findings({ review: r }: { review: Review }) {
  const { t } = useTranslation('review');
  const [measure, setMeasure] = useState<string | null>(null);
  const [page, setPage] = useState(0);
  const perMeasure = new Map<string, number>();
  for (const f of r.findingList) perMeasure.set(f.measure, (perMeasure.get(f.measure) ?? 0) + 1);
  const chosen = measure ? r.findingList.filter((f) => f.measure === measure) : r.findingList;
  const shown = chosen.slice(page * FINDINGS_PAGE, (page + 1) * FINDINGS_PAGE);
  return (
    <Paper withBorder p="sm" radius="md" data-testid="review-findings">
      <Title order={2} size="h4">
        {t('findings.title', { n: num(r.findingList.length) })}
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        {t('findings.description')}
      </Text>
      <Group gap="xs" mb="xs" align="end">
        <Select
          label={t('findings.measure')}
          placeholder={t('findings.allMeasures')}
          clearable
          value={measure}
          onChange={(m) => {
            setMeasure(m);
            setPage(0);
          }}
          data={[...perMeasure].map(([m, n]) => ({ value: m, label: `${t(`findings.measures.${m}`)} (${num(n)})` }))}
          data-testid="review-findings-measure"
        />
        <Text size="sm" data-testid="review-findings-count">
          {chosen.length === 0
            ? t('findings.none')
            : t('list.range', { from: num(page * FINDINGS_PAGE + 1), to: num(page * FINDINGS_PAGE + shown.length), total: num(chosen.length) })}
        </Text>
        <Button size="xs" variant="default" disabled={page === 0} onClick={() => setPage(page - 1)}>
          {t('list.previous')}
        </Button>
        <Button
          size="xs"
          variant="default"
          disabled={(page + 1) * FINDINGS_PAGE >= chosen.length}
          onClick={() => setPage(page + 1)}
          data-testid="review-findings-next"
        >
          {t('list.next')}
        </Button>
      </Group>
      <Table striped withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('findings.nature')}</Table.Th>
            <Table.Th>{t('findings.measure')}</Table.Th>
            <Table.Th>{t('findings.minutes')}</Table.Th>
            <Table.Th>{t('findings.statement')}</Table.Th>
            <Table.Th>{t('findings.evidence')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {shown.map((f) => (
            <Table.Tr key={f.id}>
              <Table.Td>
                <Badge color={f.nature === 'hypothesis' ? 'grape' : 'blue'} variant="light">
                  {t(`findings.natures.${f.nature}`)}
                </Badge>
              </Table.Td>
              <Table.Td>{t(`findings.measures.${f.measure}`)}</Table.Td>
              <Table.Td>{f.minutes === undefined ? '' : f.minutes === null ? t('findings.never') : num(f.minutes)}</Table.Td>
              <Table.Td>
                <Text size="sm" dir="ltr">
                  {f.statement}
                </Text>
              </Table.Td>
              <Table.Td>{num(f.evidence.length)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

function Timeline({ id, persons }: { id: string; persons: 'id' | 'pseudonym' }) {
  const { t } = useTranslation('review');
  const [page, setPage] = useState(0);
  const tl = useReviewTimeline(id, { limit: PAGE, offset: page * PAGE });
  const total = tl.data?.total ?? 0;
  const items = tl.data?.items ?? [];
  return (
    <Paper withBorder p="sm" radius="md" data-testid="review-timeline">
      <Title order={2} size="h4">
        {t('timeline.title')}
      </Title>
      <Text size="xs" c="dimmed">
        {persons === 'id' ? t('timeline.personsById') : t('timeline.personsPseudonymised')}
      </Text>
      <ErrorNote error={tl.error} what={t('timeline.title')} />
      <Text size="sm" my="xs" data-testid="review-timeline-count">
        {total === 0 ? t('list.none') : t('list.range', { from: num(page * PAGE + 1), to: num(page * PAGE + items.length), total: num(total) })}
      </Text>
      <Table striped withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('timeline.at')}</Table.Th>
            <Table.Th>{t('timeline.source')}</Table.Th>
            <Table.Th>{t('timeline.what')}</Table.Th>
            <Table.Th>{t('timeline.person')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((i) => (
            <Table.Tr key={i.id}>
              <Table.Td>{dateTime(i.at)}</Table.Td>
              <Table.Td>
                <Badge color={SEVERITY_COLOR[i.severity ?? 'info']} variant="light">
                  {t(`sources.${i.source}`)}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text size="sm" dir="ltr">
                  {i.title}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="xs" ff="monospace">
                  {i.personRef ?? ''}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group gap="xs" mt="xs">
        <Button size="xs" variant="default" disabled={page === 0} onClick={() => setPage(page - 1)}>
          {t('list.previous')}
        </Button>
        <Button size="xs" variant="default" disabled={(page + 1) * PAGE >= total} onClick={() => setPage(page + 1)}>
          {t('list.next')}
        </Button>
      </Group>
    </Paper>
  );
}
