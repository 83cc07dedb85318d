import { useState, type ReactNode } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Badge, Button, Group, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { Link } from '../../components/Link';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/Problems';
import { StatCard } from '../../components/StatCard';
import { api } from '../../lib/api';
import { dateTime, num } from '../../lib/format';
import { useSession } from '../../lib/session';
import { EVIDENCE_KINDS, HEARING_OUTCOMES, instantOf, NEXT_STATUSES, REVIEW_DECISIONS, useCase, useDossier, type Dossier, type LegalCase } from './cases.api';

/** One legal case: where it stands, its timeline, hearings, the review of detention and the dossier's evidence. */
export default function CasePage({ id }: { id: string }) {
  const { t } = useTranslation('cases');
  const s = useSession();
  const c = useCase(id);
  const dossier = useDossier(id);
  const d = c.data;
  const writable = s.can('cases.write') && !!d && !d.closedAt;
  return (
    <Stack gap="md" data-testid="case-page">
      <PageHeader
        title={t('case.title', { name: d?.personName ?? '…' })}
        description={d ? `${t(`status.${d.status}`)} · ${d.facilityCode ?? '–'} · ${d.authority}` : undefined}
        actions={
          <Group gap="sm">
            {d && s.can('persons.read') && <Link to={`/persons/${d.personId}`}>{t('case.record')}</Link>}
            <Link to="/cases">{t('case.back')}</Link>
          </Group>
        }
      />
      <ErrorNote error={c.error} what={t('case.what')} />
      {d && (
        <>
          <SimpleGrid cols={{ base: 2, md: 5 }}>
            <StatCard label={t('col.status')} value={t(`status.${d.status}`)} testId="case-status" />
            <StatCard label={t('case.opened')} value={dateTime(d.openedAt)} />
            <StatCard label={t('case.lastReview')} value={d.lastReviewAt ? dateTime(d.lastReviewAt) : t('case.never')} />
            <StatCard
              label={t('case.nextReview')}
              value={d.closedAt ? t('case.closed') : d.nextReviewAt ? dateTime(d.nextReviewAt) : t('case.noReview')}
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
            {d.closedAt && (
              <Text size="sm" c="dimmed" mt={4} data-testid="case-closed">
                {t('case.closedOn', { at: dateTime(d.closedAt), reason: d.closedReason ?? '' })}
              </Text>
            )}
          </Paper>
          {writable && (
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <StatusForm c={d} />
              <ChargeForm c={d} />
            </SimpleGrid>
          )}

          <Section title={t('case.charges')} count={d.charges.length}>
            <Table data-testid="case-charges">
              <Table.Tbody>
                {d.charges.map((h) => (
                  <Table.Tr key={h.id} data-testid="charge-row">
                    <Table.Td>{dateTime(h.at)}</Table.Td>
                    <Table.Td>{String(h.details.offence ?? '')}</Table.Td>
                    <Table.Td c="dimmed">{String(h.details.legalBasis ?? '')}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Section>

          <Section title={t('case.hearings')} count={d.hearings.length}>
            <Table data-testid="case-hearings">
              <Table.Tbody>
                {d.hearings.map((h) => (
                  <Table.Tr key={h.id}>
                    <Table.Td>{dateTime(h.at)}</Table.Td>
                    <Table.Td>{String(h.details.court ?? '')}</Table.Td>
                    <Table.Td>{t(`outcome.${String(h.details.outcome)}`)}</Table.Td>
                    <Table.Td c="dimmed">{String(h.details.notes ?? '')}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Section>
          {writable && <HearingForm c={d} />}

          <Section title={t('case.reviews')} count={d.reviews.length}>
            <Table data-testid="case-reviews">
              <Table.Tbody>
                {d.reviews.map((h) => (
                  <Table.Tr key={h.id} data-testid="review-row">
                    <Table.Td>{dateTime(h.at)}</Table.Td>
                    <Table.Td>{t(`decision.${String(h.details.decision)}`)}</Table.Td>
                    <Table.Td>{String(h.details.reason ?? '')}</Table.Td>
                    <Table.Td c="dimmed">{h.recordedBy}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Section>
          {writable && (
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <ReviewForm c={d} />
              <NextReviewForm c={d} />
            </SimpleGrid>
          )}

          <Title order={2} size="h4">
            {t('case.documents')}
          </Title>
          <ErrorNote error={dossier.error} what={t('case.documents')} />
          {dossier.data && <DossierView dossier={dossier.data} />}
          {writable && dossier.data && <EvidenceForm c={d} dossier={dossier.data} />}

          <Section title={t('case.timeline')} count={d.timeline.length}>
            <Table data-testid="case-timeline">
              <Table.Tbody>
                {d.timeline.map((e) => (
                  <Table.Tr key={e.id} data-testid="timeline-entry">
                    <Table.Td>{dateTime(e.at)}</Table.Td>
                    <Table.Td>{t(`entry.${e.kind}`, { defaultValue: e.kind })}</Table.Td>
                    <Table.Td>{entryText(e.details, t)}</Table.Td>
                    <Table.Td c="dimmed">{e.recordedBy}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Section>
        </>
      )}
    </Stack>
  );
}

function Section({ title, count, children }: { title: string; count: number; children: ReactNode }) {
  const { t } = useTranslation('cases');
  return (
    <>
      <Title order={2} size="h4">
        {title} <Text span c="dimmed" size="sm">{`(${num(count)})`}</Text>
      </Title>
      {count === 0 ? <Text c="dimmed">{t('case.none')}</Text> : children}
    </>
  );
}

/** The details worth a glance in the timeline: codes in words, free text as entered. */
function entryText(details: Record<string, unknown>, t: TFunction<'cases'>): string {
  const parts: string[] = [];
  const str = (k: string) => (typeof details[k] === 'string' && details[k] ? (details[k] as string) : null);
  if (str('from') && str('to')) parts.push(`${t(`status.${str('from')}`)} → ${t(`status.${str('to')}`)}`);
  else if (str('to')) parts.push(t(`status.${str('to')}`, { defaultValue: str('to') }));
  if (str('offence')) parts.push(str('offence')!);
  if (str('court')) parts.push(str('court')!);
  if (str('outcome')) parts.push(t(`outcome.${str('outcome')}`, { defaultValue: str('outcome') }));
  if (str('decision')) parts.push(t(`decision.${str('decision')}`, { defaultValue: str('decision') }));
  if (str('kind')) parts.push(t(`evidenceKind.${str('kind')}`, { defaultValue: str('kind') }));
  if (str('dueAt')) parts.push(t('case.dueOn', { at: dateTime(str('dueAt')) }));
  if (str('reason')) parts.push(str('reason')!);
  return parts.join(' · ');
}

/** A write on the case: the answer is the case as it stands now (put in the cache), the lists refresh. */
function useCaseChange<B>(c: LegalCase, path: string, method: 'POST' | 'PUT' = 'POST', after?: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: B) => api<LegalCase>(`/cases/legal/${c.id}${path}`, { method, body }),
    onSuccess: (next) => {
      qc.setQueryData(['cases', 'legal', c.id], next);
      void qc.invalidateQueries({ queryKey: ['cases'] });
      after?.();
    },
  });
}

function FormCard({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <Paper withBorder p="sm" data-testid={testId}>
      <Stack gap="xs">
        <Text fw={600}>{title}</Text>
        {children}
      </Stack>
    </Paper>
  );
}

/** The legal status: only the statuses the machine allows next; "charged" needs a charge on the case first. */
function StatusForm({ c }: { c: LegalCase }) {
  const { t } = useTranslation('cases');
  const next = NEXT_STATUSES[c.status] ?? [];
  const [to, setTo] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const change = useCaseChange<{ status: string; reason: string }>(c, '/status', 'POST', () => {
    setTo(null);
    setReason('');
  });
  const needsCharge = to === 'charged' && c.charges.length === 0;
  return (
    <FormCard title={t('action.status')} testId="status-form">
      {next.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('action.statusFinal')}
        </Text>
      ) : (
        <>
          <Select
            label={t('action.newStatus')}
            data={next.map((x) => ({ value: x, label: c.status === 'charged' && x === 'held_without_charge' ? t('action.dropCharges') : t(`status.${x}`) }))}
            value={to}
            onChange={setTo}
            data-testid="status-to"
          />
          {needsCharge && (
            <Alert color="yellow" p="xs" data-testid="status-needs-charge">
              {t('action.needsCharge')}
            </Alert>
          )}
          <Textarea label={t('action.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-testid="status-reason" />
          <ApiErrorAlert error={change.error} testId="status-error" />
          <Group>
            <Button
              onClick={() => to && change.mutate({ status: to, reason: reason.trim() })}
              loading={change.isPending}
              disabled={!to || !reason.trim() || needsCharge}
              data-testid="status-save"
            >
              {t('action.save')}
            </Button>
          </Group>
        </>
      )}
    </FormCard>
  );
}

function ChargeForm({ c }: { c: LegalCase }) {
  const { t } = useTranslation('cases');
  const [offence, setOffence] = useState('');
  const [basis, setBasis] = useState('');
  const [filed, setFiled] = useState('');
  const add = useCaseChange<{ offence: string; legalBasis?: string; filedAt?: string }>(c, '/charges', 'POST', () => {
    setOffence('');
    setBasis('');
    setFiled('');
  });
  return (
    <FormCard title={t('action.charge')} testId="charge-form">
      <TextInput label={t('action.offence')} value={offence} onChange={(e) => setOffence(e.currentTarget.value)} data-testid="charge-offence" />
      <TextInput label={t('action.legalBasis')} value={basis} onChange={(e) => setBasis(e.currentTarget.value)} data-testid="charge-basis" />
      <TextInput
        type="datetime-local"
        label={t('action.filedAt')}
        description={t('action.defaultNow')}
        value={filed}
        onChange={(e) => setFiled(e.currentTarget.value)}
        data-testid="charge-filed"
      />
      <ApiErrorAlert error={add.error} testId="charge-error" />
      <Group>
        <Button
          onClick={() => add.mutate({ offence: offence.trim(), legalBasis: basis.trim() || undefined, filedAt: instantOf(filed) })}
          loading={add.isPending}
          disabled={!offence.trim()}
          data-testid="charge-save"
        >
          {t('action.addCharge')}
        </Button>
      </Group>
    </FormCard>
  );
}

function HearingForm({ c }: { c: LegalCase }) {
  const { t } = useTranslation('cases');
  const [heldAt, setHeldAt] = useState('');
  const [court, setCourt] = useState('');
  const [outcome, setOutcome] = useState<string | null>('adjourned');
  const [notes, setNotes] = useState('');
  const hearing = useCaseChange<{ heldAt: string; court: string; outcome: string; notes?: string }>(c, '/hearings', 'POST', () => {
    setHeldAt('');
    setCourt('');
    setNotes('');
  });
  const at = instantOf(heldAt);
  return (
    <FormCard title={t('action.hearing')} testId="hearing-form">
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput
          type="datetime-local"
          label={t('action.heldAt')}
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
          allowDeselect={false}
          data-testid="hearing-outcome"
        />
      </SimpleGrid>
      <TextInput label={t('action.notes')} value={notes} onChange={(e) => setNotes(e.currentTarget.value)} />
      <ApiErrorAlert error={hearing.error} testId="hearing-error" />
      <Group>
        <Button
          onClick={() => at && outcome && hearing.mutate({ heldAt: at, court: court.trim(), outcome, notes: notes.trim() || undefined })}
          loading={hearing.isPending}
          disabled={!at || !court.trim()}
          data-testid="hearing-save"
        >
          {t('action.save')}
        </Button>
      </Group>
    </FormCard>
  );
}

function ReviewForm({ c }: { c: LegalCase }) {
  const { t } = useTranslation('cases');
  const [decision, setDecision] = useState<string | null>('continue_detention');
  const [reason, setReason] = useState('');
  const [nextDue, setNextDue] = useState('');
  const review = useCaseChange<{ decision: string; reason: string; nextDueAt?: string }>(c, '/reviews', 'POST', () => {
    setReason('');
    setNextDue('');
  });
  return (
    <FormCard title={t('action.review')} testId="review-form">
      <Select
        label={t('action.decision')}
        data={REVIEW_DECISIONS.map((o) => ({ value: o, label: t(`decision.${o}`) }))}
        value={decision}
        onChange={setDecision}
        allowDeselect={false}
        data-testid="review-decision"
      />
      <Textarea label={t('action.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-testid="review-reason" />
      <TextInput
        type="date"
        label={t('action.nextDueAt')}
        description={t('action.nextDueHint', { months: c.reviewIntervalMonths })}
        value={nextDue}
        onChange={(e) => setNextDue(e.currentTarget.value)}
        data-testid="review-next"
      />
      <ApiErrorAlert error={review.error} testId="review-error" />
      <Group>
        <Button
          onClick={() => decision && review.mutate({ decision, reason: reason.trim(), nextDueAt: instantOf(nextDue) })}
          loading={review.isPending}
          disabled={!reason.trim()}
          data-testid="review-save"
        >
          {t('action.save')}
        </Button>
      </Group>
    </FormCard>
  );
}

/** The next review set by hand (sooner than the interval, or later within it): a future date and a reason. */
function NextReviewForm({ c }: { c: LegalCase }) {
  const { t } = useTranslation('cases');
  const [due, setDue] = useState('');
  const [reason, setReason] = useState('');
  const set = useCaseChange<{ dueAt: string; reason: string }>(c, '/next-review', 'PUT', () => {
    setDue('');
    setReason('');
  });
  const at = instantOf(due);
  return (
    <FormCard title={t('action.nextReview')} testId="next-review-form">
      <TextInput type="date" label={t('action.dueAt')} value={due} onChange={(e) => setDue(e.currentTarget.value)} data-testid="next-review-at" />
      <TextInput label={t('action.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-testid="next-review-reason" />
      <ApiErrorAlert error={set.error} testId="next-review-error" />
      <Group>
        <Button
          onClick={() => at && set.mutate({ dueAt: at, reason: reason.trim() })}
          loading={set.isPending}
          disabled={!at || !reason.trim()}
          data-testid="next-review-save"
        >
          {t('action.save')}
        </Button>
      </Group>
    </FormCard>
  );
}

function DossierView({ dossier }: { dossier: Dossier }) {
  const { t } = useTranslation('cases');
  return (
    <Stack gap={4} data-testid="case-dossier">
      <Text size="sm">
        {t('dossier.identification')}:{' '}
        <Badge variant="light" color={dossier.identification === 'unverified' ? 'red' : 'teal'} data-testid="dossier-identification">
          {t(`dossier.${dossier.identification}`)}
        </Badge>
      </Text>
      <Text size="sm">
        {t('dossier.nationalities')}: {dossier.nationalities.map((n) => `${n.country} (${n.status})`).join(', ') || '–'}
      </Text>
      <Text size="sm" fw={600}>
        {t('dossier.documents', { n: num(dossier.documents.length) })}
      </Text>
      {dossier.documents.map((doc) => (
        <Text size="sm" key={doc.id} data-testid="dossier-document">
          {doc.type} {doc.number} {doc.issuingCountry ?? ''} {doc.cited && <Badge size="xs">{t('dossier.cited')}</Badge>}
        </Text>
      ))}
      <Text size="sm" fw={600}>
        {t('dossier.verifications', { n: num(dossier.verifications.length) })}
      </Text>
      {dossier.verifications.map((v) => (
        <Text size="sm" key={v.id} data-testid="dossier-verification">
          {t('dossier.verification')} <span className="mono">{v.id.slice(0, 8)}</span>{' '}
          <Badge color={v.valid ? 'teal' : 'red'}>{v.valid ? t('dossier.valid') : (v.problem ?? '')}</Badge>
        </Text>
      ))}
    </Stack>
  );
}

/**
 * Cite evidence for the dossier: one of the person's identity documents (picked from the record), or a recorded 1:1
 * verification, picked from the person's matched verifications the dossier lists, or by its reference.
 */
function EvidenceForm({ c, dossier }: { c: LegalCase; dossier: Dossier }) {
  const { t } = useTranslation('cases');
  const qc = useQueryClient();
  const [kind, setKind] = useState<string | null>('identity_document');
  const [documentId, setDocumentId] = useState<string | null>(null);
  const [verification, setVerification] = useState('');
  const [note, setNote] = useState('');
  const cite = useCaseChange<{ kind: string; referenceId: string; note?: string }>(c, '/evidence', 'POST', () => {
    setDocumentId(null);
    setVerification('');
    setNote('');
    void qc.invalidateQueries({ queryKey: ['cases', 'legal', c.id, 'dossier'] });
  });
  const uncited = dossier.documents.filter((d) => !d.cited);
  const uncitedVerifications = dossier.matchedVerifications.filter((v) => !v.cited);
  const reference = kind === 'identity_document' ? documentId : verification.trim();
  return (
    <FormCard title={t('action.evidence')} testId="evidence-form">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Select
          label={t('action.evidenceKind')}
          data={EVIDENCE_KINDS.map((k) => ({ value: k, label: t(`evidenceKind.${k}`) }))}
          value={kind}
          onChange={setKind}
          allowDeselect={false}
          data-testid="evidence-kind"
        />
        {kind === 'identity_document' ? (
          <Select
            label={t('action.document')}
            placeholder={dossier.documents.length === 0 ? t('action.noDocuments') : uncited.length === 0 ? t('action.noDocument') : undefined}
            data={uncited.map((d) => ({ value: d.id, label: `${d.type} ${d.number} ${d.issuingCountry ?? ''}`.trim() }))}
            value={documentId}
            onChange={setDocumentId}
            disabled={uncited.length === 0}
            data-testid="evidence-document"
          />
        ) : (
          <Select
            label={t('action.verificationPick')}
            placeholder={uncitedVerifications.length === 0 ? t('action.noVerification') : undefined}
            data={uncitedVerifications.map((v) => ({
              value: v.id,
              label: `${t(`modality.${v.modality}`, { defaultValue: v.modality })} · ${dateTime(v.at)} · ${v.id.slice(0, 8)}`,
            }))}
            value={uncitedVerifications.some((v) => v.id === verification) ? verification : null}
            onChange={(v) => setVerification(v ?? '')}
            disabled={uncitedVerifications.length === 0}
            data-testid="evidence-verification-pick"
          />
        )}
        {kind !== 'identity_document' && (
          <TextInput
            label={t('action.verificationRef')}
            description={t('action.verificationHint')}
            value={verification}
            onChange={(e) => setVerification(e.currentTarget.value)}
            data-testid="evidence-verification"
          />
        )}
      </SimpleGrid>
      <TextInput label={t('action.notes')} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
      <ApiErrorAlert error={cite.error} testId="evidence-error" />
      <Group>
        <Button
          onClick={() => kind && reference && cite.mutate({ kind, referenceId: reference, note: note.trim() || undefined })}
          loading={cite.isPending}
          disabled={!reference}
          data-testid="evidence-save"
        >
          {t('action.cite')}
        </Button>
      </Group>
    </FormCard>
  );
}
