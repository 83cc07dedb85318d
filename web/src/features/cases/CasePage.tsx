import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Group, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from '../../components/Link';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/Problems';
import { StatCard } from '../../components/StatCard';
import { api } from '../../lib/api';
import { dateTime, num } from '../../lib/format';
import { useSession } from '../../lib/session';
import { HEARING_OUTCOMES, REVIEW_DECISIONS, useCase, useDossier, type LegalCase } from './cases.api';

/** One legal case: where it stands, its timeline, hearings, the review of detention and the dossier's evidence. */
export default function CasePage({ id }: { id: string }) {
  const { t } = useTranslation('cases');
  const s = useSession();
  const c = useCase(id);
  const dossier = useDossier(id);
  const d = c.data;
  return (
    <Stack gap="md" data-testid="case-page">
      <PageHeader
        title={t('case.title', { name: d?.personName ?? '…' })}
        description={d ? `${t(`status.${d.status}`)} · ${d.facilityCode ?? '–'} · ${d.authority}` : undefined}
        actions={<Link to="/cases">{t('case.back')}</Link>}
      />
      <ErrorNote error={c.error} what={t('case.what')} />
      {d && (
        <>
          <SimpleGrid cols={{ base: 2, md: 4 }}>
            <StatCard label={t('case.opened')} value={dateTime(d.openedAt)} />
            <StatCard label={t('case.lastReview')} value={d.lastReviewAt ? dateTime(d.lastReviewAt) : t('case.never')} />
            <StatCard
              label={t('case.nextReview')}
              value={d.closedAt ? t('case.closed') : dateTime(d.nextReviewAt)}
              color={d.overdue ? 'red' : undefined}
              hint={d.overdue ? t('list.overdue') : undefined}
              testId="case-next-review"
            />
            <StatCard label={t('col.daysWithoutReview')} value={num(d.daysWithoutReview)} />
          </SimpleGrid>
          <Paper withBorder p="sm">
            <Text size="sm" fw={600}>
              {t('case.grounds')}
            </Text>
            <Text size="sm">{d.grounds}</Text>
          </Paper>
          {s.can('cases.write') && !d.closedAt && <CaseActions c={d} />}
          <Title order={2} size="h4">
            {t('case.hearings')}
          </Title>
          <Table data-testid="case-hearings">
            <Table.Tbody>
              {d.hearings.map((h) => (
                <Table.Tr key={h.id}>
                  <Table.Td>{dateTime(h.at)}</Table.Td>
                  <Table.Td>{String(h.details.court ?? '')}</Table.Td>
                  <Table.Td>{t(`outcome.${String(h.details.outcome)}`)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {d.hearings.length === 0 && <Text c="dimmed">{t('case.none')}</Text>}
          <Title order={2} size="h4">
            {t('case.documents')}
          </Title>
          {dossier.data && (
            <Stack gap={4} data-testid="case-dossier">
              <Text size="sm">
                {t('dossier.identification')}: <Badge variant="light">{t(`dossier.${dossier.data.identification}`)}</Badge>
              </Text>
              {dossier.data.documents.map((doc) => (
                <Text size="sm" key={doc.id}>
                  {doc.type} {doc.number} {doc.issuingCountry ?? ''} {doc.cited && <Badge size="xs">{t('dossier.cited')}</Badge>}
                </Text>
              ))}
              {dossier.data.verifications.map((v) => (
                <Text size="sm" key={v.id}>
                  {t('dossier.verification')} {v.id.slice(0, 8)}{' '}
                  <Badge color={v.valid ? 'teal' : 'red'}>{v.valid ? t('dossier.valid') : (v.problem ?? '')}</Badge>
                </Text>
              ))}
            </Stack>
          )}
          <Title order={2} size="h4">
            {t('case.timeline')}
          </Title>
          <Table data-testid="case-timeline">
            <Table.Tbody>
              {d.timeline.map((e) => (
                <Table.Tr key={e.id} data-testid="timeline-entry">
                  <Table.Td>{dateTime(e.at)}</Table.Td>
                  <Table.Td>{t(`entry.${e.kind}`)}</Table.Td>
                  <Table.Td>{entryText(e.details)}</Table.Td>
                  <Table.Td c="dimmed">{e.recordedBy}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </Stack>
  );
}

/** The details worth a glance in the timeline (free text as entered, codes as they are). */
function entryText(details: Record<string, unknown>): string {
  return ['offence', 'court', 'outcome', 'decision', 'reason', 'to', 'dueAt', 'referenceId']
    .map((k) => details[k])
    .filter((v) => typeof v === 'string' && v)
    .join(' · ');
}

function CaseActions({ c }: { c: LegalCase }) {
  const { t } = useTranslation('cases');
  const qc = useQueryClient();
  const [heldAt, setHeldAt] = useState('');
  const [court, setCourt] = useState('');
  const [outcome, setOutcome] = useState<string | null>('adjourned');
  const [decision, setDecision] = useState<string | null>('continue_detention');
  const [reason, setReason] = useState('');
  const done = () => qc.invalidateQueries({ queryKey: ['cases'] });
  const hearing = useMutation({
    mutationFn: () => api(`/cases/legal/${c.id}/hearings`, { method: 'POST', body: { heldAt: new Date(heldAt).toISOString(), court, outcome } }),
    onSuccess: done,
  });
  const review = useMutation({
    mutationFn: () => api(`/cases/legal/${c.id}/reviews`, { method: 'POST', body: { decision, reason } }),
    onSuccess: done,
  });
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <Paper withBorder p="sm">
        <Stack gap="xs">
          <Text fw={600}>{t('action.hearing')}</Text>
          <TextInput
            label={t('action.heldAt')}
            placeholder="2026-03-01T09:00Z"
            value={heldAt}
            onChange={(e) => setHeldAt(e.currentTarget.value)}
            data-testid="hearing-at"
          />
          <TextInput label={t('action.court')} value={court} onChange={(e) => setCourt(e.currentTarget.value)} data-testid="hearing-court" />
          <Select
            label={t('action.outcome')}
            data={HEARING_OUTCOMES.map((o) => ({ value: o, label: t(`outcome.${o}`) }))}
            value={outcome}
            onChange={setOutcome}
          />
          <ErrorNote error={hearing.error} what={t('action.hearing')} />
          <Group>
            <Button onClick={() => hearing.mutate()} loading={hearing.isPending} disabled={!heldAt || !court} data-testid="hearing-save">
              {t('action.save')}
            </Button>
          </Group>
        </Stack>
      </Paper>
      <Paper withBorder p="sm">
        <Stack gap="xs">
          <Text fw={600}>{t('action.review')}</Text>
          <Select
            label={t('action.decision')}
            data={REVIEW_DECISIONS.map((o) => ({ value: o, label: t(`decision.${o}`) }))}
            value={decision}
            onChange={setDecision}
          />
          <Textarea label={t('action.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-testid="review-reason" />
          <ErrorNote error={review.error} what={t('action.review')} />
          <Group>
            <Button onClick={() => review.mutate()} loading={review.isPending} disabled={!reason} data-testid="review-save">
              {t('action.save')}
            </Button>
          </Group>
        </Stack>
      </Paper>
    </SimpleGrid>
  );
}
