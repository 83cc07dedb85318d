import { useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Badge, Button, Group, Image, Paper, Radio, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, type Household, type Person } from '../lib/api';
import type { PhotoBatchResponse } from '../../../src/modules/biometrics/biometrics.dto';
import { dateTime, num } from '../lib/format';
import { useSession } from '../lib/session';
import { useFacilityNames } from '../lib/queries';
import { ErrorNote } from '../components/Problems';
import { Link } from '../components/Link';
import { Name } from '../components/Name';
import { PageHeader } from '../components/PageHeader';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { IsoDateInput } from '../components/IsoDateInput';
import { birthText } from '../features/persons/persons.api';
import { decideCase, REVIEW_PURPOSE, STATUS_COLOR, type CaseDecision, type DuplicateCase } from '../features/duplicates/duplicates.api';

/**
 * One duplicate-identity case: the two records side by side (names in every script, birth with its precision,
 * household, custody status and facility), the engines' scores per modality for this pair, and the decision: a
 * registrar says "same person" (both records kept and linked, one the reference) or "different persons", with a
 * reason. Decided cases stay readable with who, when and why. Opening the case reads both records for registration.
 */
export default function DuplicateCasePage({ id }: { id: string }) {
  const { t } = useTranslation('duplicates');
  const session = useSession();
  const theCase = useQuery({ queryKey: ['duplicate', id], queryFn: () => api<DuplicateCase>(`/biometrics/duplicates/${id}`) });
  const c = theCase.data;
  // The same pair may have a case per modality: the scores of each, from the cases of one of the two persons.
  const pair = useQuery({
    queryKey: ['duplicates', 'pair', c?.newPersonId],
    queryFn: () => api<DuplicateCase[]>(`/biometrics/duplicates?personId=${c!.newPersonId}&limit=500`),
    enabled: !!c,
  });
  const left = usePerson(c?.existingPersonId);
  const right = usePerson(c?.newPersonId);
  // Both portraits in one audited read; a record without a photo is simply absent from the answer.
  const photos = useQuery({
    queryKey: ['photos', 'pair', c?.existingPersonId, c?.newPersonId],
    queryFn: () =>
      api<PhotoBatchResponse>('/persons/photos', {
        method: 'POST',
        body: { personIds: [c!.existingPersonId, c!.newPersonId], size: 'full' },
        purpose: REVIEW_PURPOSE,
      }),
    enabled: !!c && session.can('persons.read'),
  });
  const photoOf = (pid: string) => photos.data?.photos.find((ph) => ph.personId === pid)?.dataUrl ?? null;

  if (theCase.error) return <ErrorNote error={theCase.error} what={t('theCase')} />;
  if (!c) return <Text>{t('loading')}</Text>;
  const samePair = (pair.data ?? []).filter(
    (o) =>
      (o.newPersonId === c.newPersonId && o.existingPersonId === c.existingPersonId) ||
      (o.newPersonId === c.existingPersonId && o.existingPersonId === c.newPersonId),
  );
  const scores = samePair.length ? samePair : [c];

  return (
    <Stack gap="md">
      <PageHeader
        title={t('caseTitle')}
        description={t('caseDescription', { at: dateTime(c.createdAt) })}
        actions={
          <Group gap="xs">
            <Badge size="lg" color={STATUS_COLOR[c.status as keyof typeof STATUS_COLOR] ?? 'gray'} data-testid="case-status" style={{ textTransform: 'none' }}>
              {t(`status.${c.status}`, { defaultValue: c.status })}
            </Badge>
            <Link to="/duplicates">{t('backToQueue')}</Link>
          </Group>
        }
      />
      <Alert color="gray" variant="light" py={6}>
        <Text size="sm">{t('readNote')}</Text>
      </Alert>

      <Paper withBorder p="sm" radius="md">
        <Title order={2} size="h4" mb="xs">
          {t('scores')}
        </Title>
        <Table data-testid="case-scores">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('col.modality')}</Table.Th>
              <Table.Th>{t('col.score')}</Table.Th>
              <Table.Th>{t('col.status')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {scores.map((s) => (
              <Table.Tr key={s.id} fw={s.id === c.id ? 600 : undefined}>
                <Table.Td>{t(`modality.${s.modality}`)}</Table.Td>
                <Table.Td className="mono">
                  {t('scoreOf', { score: num(Math.round(s.score * 100) / 100), threshold: num(s.threshold) })}
                  <Text span size="xs" c="dimmed">
                    {' '}
                    {t('fmr', { fmr: s.targetFmr })}
                  </Text>
                </Table.Td>
                <Table.Td>{t(`status.${s.status}`, { defaultValue: s.status })}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Text size="xs" c="dimmed" mt={4}>
          {t('scoreNote')}
        </Text>
      </Paper>

      {c.evidence && <CombinedEvidence evidence={c.evidence} />}

      <SideBySide
        left={left}
        right={right}
        photos={c ? { left: photoOf(c.existingPersonId), right: photoOf(c.newPersonId), loaded: photos.isSuccess } : undefined}
      />

      {c.decision ? (
        <Paper withBorder p="sm" radius="md" data-testid="case-decision">
          <Title order={2} size="h4" mb="xs">
            {t('decision')}
          </Title>
          <Text size="sm">{t('decidedBy', { by: c.decision.by ?? '–', at: dateTime(c.decision.at) })}</Text>
          <Text size="sm">
            <b>{t(`status.${c.status}`, { defaultValue: c.status })}</b>: {c.decision.reason}
          </Text>
          {c.decision.survivingPersonId && (
            <Text size="sm">
              {t('reference')}{' '}
              <Link to={`/persons/${c.decision.survivingPersonId}?purpose=${REVIEW_PURPOSE}`}>
                <Name inherit>
                  {nameOf(c.decision.survivingPersonId === c.newPersonId ? right.data : left.data) ?? c.decision.survivingPersonId.slice(0, 8)}
                </Name>
              </Link>
            </Text>
          )}
          {c.decision.reviewOn && <Text size="sm">{t('reviewOn', { date: c.decision.reviewOn })}</Text>}
        </Paper>
      ) : session.can('biometrics.enrol') ? (
        <DecideForm theCase={c} names={{ [c.existingPersonId]: nameOf(left.data), [c.newPersonId]: nameOf(right.data) }} />
      ) : (
        <Text size="sm" c="dimmed" data-testid="case-no-decide">
          {t('cannotDecide')}
        </Text>
      )}
    </Stack>
  );
}

function usePerson(id: string | undefined) {
  return useQuery({
    queryKey: ['person', id, REVIEW_PURPOSE],
    queryFn: () => api<Person>(`/persons/${id}`, { purpose: REVIEW_PURPOSE }),
    enabled: !!id,
  });
}

const nameOf = (p: Person | undefined): string | null => (p ? ((p.names.find((n) => n.kind === 'primary') ?? p.names[0])?.full ?? null) : null);

type PersonQuery = ReturnType<typeof usePerson>;

function SideBySide({
  left,
  right,
  photos,
}: {
  left: PersonQuery;
  right: PersonQuery;
  photos?: { left: string | null; right: string | null; loaded: boolean };
}) {
  const { t } = useTranslation('duplicates');
  const facilities = useFacilityNames();
  const hhLeft = useHousehold(left.data?.householdId);
  const hhRight = useHousehold(right.data?.householdId);
  const fac = (fid: string | null | undefined) => (fid ? (facilities.get(fid)?.name ?? fid.slice(0, 8)) : '–');
  const rows: { label: string; of: (p: Person, hh: Household | undefined) => ReactNode }[] = [
    {
      label: t('row.photo'),
      of: (p) => {
        const src = p.id === left.data?.id ? photos?.left : photos?.right;
        if (src) return <Image src={src} alt={t('photoAlt')} w={120} maw="100%" radius="sm" data-testid="case-photo" />;
        return (
          <Text size="sm" c="dimmed">
            {photos?.loaded ? t('noPhoto') : '…'}
          </Text>
        );
      },
    },
    {
      label: t('row.names'),
      of: (p) => (
        <Stack gap={2}>
          {p.names.map((n) => (
            <Name key={n.id} size={n.script === 'arabic' ? 'md' : 'sm'} fw={n.kind === 'primary' ? 600 : undefined}>
              {n.full}
            </Name>
          ))}
        </Stack>
      ),
    },
    { label: t('row.sex'), of: (p) => t(`sex.${p.sex}`, { defaultValue: p.sex }) },
    { label: t('row.birth'), of: (p) => `${birthText(p.birth)} (${t(`precision.${p.birth.precision}`, { defaultValue: p.birth.precision })})` },
    { label: t('row.nationalities'), of: (p) => p.nationalities.map((n) => n.country).join(', ') || '–' },
    { label: t('row.documents'), of: (p) => p.documents.map((d) => `${d.type.replace(/_/g, ' ')} ${d.number}`).join(', ') || '–' },
    { label: t('row.household'), of: (p, hh) => (p.householdId ? (hh?.label ?? '…') : '–') },
    { label: t('row.custody'), of: (p) => (p.placement ? t(`custody.${p.placement.status}`, { defaultValue: p.placement.status }) : t('custody.registered')) },
    { label: t('row.facility'), of: (p) => fac(p.placement?.facilityId ?? p.registeredFacilityId) },
  ];
  const side = (q: PersonQuery, hh: Household | undefined, testId: string, heading: string) => (
    <Paper withBorder p="sm" radius="md" style={{ flex: '1 1 300px', minWidth: 0 }} data-testid={testId}>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h5">
          {heading}
        </Title>
        {q.data && (
          <Link to={`/persons/${q.data.id}?purpose=${REVIEW_PURPOSE}`} size="sm">
            {t('openRecord')}
          </Link>
        )}
      </Group>
      {q.error ? (
        <ErrorNote error={q.error} what={t('theRecord')} />
      ) : !q.data ? (
        <Text size="sm">{t('loading')}</Text>
      ) : (
        <Table variant="vertical" layout="fixed" withRowBorders={false}>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.label}>
                <Table.Th w={110}>{r.label}</Table.Th>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>{r.of(q.data!, hh)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
  return (
    <Group align="stretch" gap="md" data-testid="case-records">
      {side(left, hhLeft.data, 'case-existing', t('existing'))}
      {side(right, hhRight.data, 'case-new', t('newRecord'))}
    </Group>
  );
}

function useHousehold(id: string | null | undefined) {
  return useQuery({
    queryKey: ['household', id, REVIEW_PURPOSE],
    queryFn: () => api<Household>(`/households/${id}`, { purpose: REVIEW_PURPOSE }),
    enabled: !!id,
  });
}

function DecideForm({ theCase: c, names }: { theCase: DuplicateCase; names: Record<string, string | null> }) {
  const { t } = useTranslation('duplicates');
  const qc = useQueryClient();
  const [decision, setDecision] = useState<CaseDecision | null>(null);
  const [survivor, setSurvivor] = useState(c.existingPersonId);
  const [reason, setReason] = useState('');
  const [reviewOn, setReviewOn] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const decide = useMutation({
    mutationFn: () =>
      decideCase(c.id, {
        decision: decision!,
        reason: reason.trim(),
        survivingPersonId: decision === 'same_person' ? survivor : undefined,
        reviewOn: /^\d{4}-\d{2}-\d{2}$/.test(reviewOn) ? reviewOn : undefined,
      }),
    onSuccess: async (updated) => {
      qc.setQueryData(['duplicate', c.id], updated);
      await qc.invalidateQueries({ queryKey: ['duplicates'] });
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    const m: Record<string, string> = {};
    if (!decision) m.decision = t('missing.decision');
    if (reason.trim().length < 3) m.reason = t('missing.reason');
    setErrors(m);
    if (Object.keys(m).length === 0) decide.mutate();
  }
  const label = (pid: string) => names[pid] ?? pid.slice(0, 8);
  return (
    <Paper withBorder p="sm" radius="md" data-testid="case-decide">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4">
            {t('decide')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('decideHelp')}
          </Text>
          <div>
            <SegmentedControl
              value={decision ?? ''}
              onChange={(v) => {
                setDecision(v as CaseDecision);
                setErrors({});
                decide.reset();
              }}
              data={[
                { value: 'same_person', label: t('samePerson') },
                { value: 'different_persons', label: t('differentPersons') },
              ]}
              fullWidth
              size="md"
              aria-label={t('decision')}
              data-testid="case-decision-choice"
            />
            {errors.decision && (
              <Text size="sm" c="red.8" role="alert">
                {errors.decision}
              </Text>
            )}
          </div>
          {decision === 'same_person' && (
            <Radio.Group label={t('survivor')} description={t('survivorHelp')} value={survivor} onChange={setSurvivor}>
              <Stack gap={4} mt={4}>
                <Radio value={c.existingPersonId} label={<Name inherit>{`${label(c.existingPersonId)} (${t('existing')})`}</Name>} />
                <Radio value={c.newPersonId} label={<Name inherit>{`${label(c.newPersonId)} (${t('newRecord')})`}</Name>} />
              </Stack>
            </Radio.Group>
          )}
          <TextInput
            label={t('reason')}
            placeholder={t('reasonPlaceholder')}
            value={reason}
            onChange={(e) => {
              setReason(e.currentTarget.value);
              setErrors((e) => ({ ...e, reason: '' }));
            }}
            maxLength={2000}
            withAsterisk
            error={errors.reason}
            data-testid="case-reason"
          />
          <IsoDateInput label={t('reviewOnLabel')} value={reviewOn} onValue={setReviewOn} data-testid="case-review-on" />
          <ApiErrorAlert error={decide.error} title={t('notSaved')} testId="case-error" />
          <Group justify="flex-end">
            <Button type="submit" loading={decide.isPending} data-testid="case-decide-submit">
              {t('record')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

/**
 * Every piece of evidence between the two persons combined into one likelihood ratio (faces, fingerprints, names,
 * birth years, sex, nationality): how much likelier it all is for one person than for two, and whether that passes
 * the false-match rate the threshold was set for. A suggestion for the registrar, never the decision.
 */
function CombinedEvidence({ evidence }: { evidence: NonNullable<DuplicateCase['evidence']> }) {
  const { t } = useTranslation('duplicates');
  const times = (log10: number) =>
    log10 >= 0 ? t('fusion.timesMore', { n: num(round2(10 ** log10)) }) : t('fusion.timesLess', { n: num(round2(10 ** -log10)) });
  return (
    <Paper withBorder p="sm" radius="md" data-testid="case-evidence">
      <Title order={2} size="h4" mb="xs">
        {t('fusion.title')}
      </Title>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('fusion.col.evidence')}</Table.Th>
            <Table.Th>{t('fusion.col.score')}</Table.Th>
            <Table.Th>{t('fusion.col.weight')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {evidence.contributions.map((e) => (
            <Table.Tr key={e.evidence}>
              <Table.Td>{t(`fusion.evidence.${e.evidence}`, { defaultValue: e.evidence })}</Table.Td>
              <Table.Td className="mono">{e.score === undefined ? '–' : num(Math.round(e.score * 100) / 100)}</Table.Td>
              <Table.Td>{times(e.log10Lr)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group mt="xs" gap="xs">
        <Text size="sm" fw={600} data-testid="case-evidence-total">
          {t('fusion.total', { ratio: times(evidence.log10Lr) })}
        </Text>
        {evidence.threshold === null ? (
          <Badge color="gray">{t('fusion.noThreshold')}</Badge>
        ) : (
          <Badge color={evidence.meetsTarget ? 'orange' : 'teal'} data-testid="case-evidence-verdict">
            {t(evidence.meetsTarget ? 'fusion.meets' : 'fusion.below', { fmr: evidence.targetFmr })}
          </Badge>
        )}
      </Group>
      <Text size="xs" c="dimmed" mt={4}>
        {t('fusion.note')}
      </Text>
    </Paper>
  );
}

function round2(x: number): number {
  return x >= 100 ? Math.round(x) : Math.round(x * 10) / 10;
}
