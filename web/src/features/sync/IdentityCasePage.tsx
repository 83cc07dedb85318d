import { useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Badge, Button, Group, Paper, Radio, SegmentedControl, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../lib/api';
import { bidi, dateTime, longDate, num } from '../../lib/format';
import { useSession } from '../../lib/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { Link } from '../../components/Link';
import { Name } from '../../components/Name';
import { PageHeader } from '../../components/PageHeader';
import { decideIdentityCase, fetchIdentityCase, IDENTITY_STATUS_COLOR, type IdentityCase, type IdentityRecord } from './identity.api';
import { birthRange, oneIn, ratioOf, referenceSide } from './identity.logic';

/**
 * One identity case at headquarters: the two sites' records side by side (names in every script as the sites gave
 * them, sex, birth range, nationalities, templates held), what the case rests on (each modality's score, the fused
 * likelihood ratio in words, the false-match rate aimed at), and the decision a person takes: the same person (both
 * records stay, one the reference) or different persons, with a reason. Nothing is merged by the machine.
 */
export default function IdentityCasePage({ id }: { id: string }) {
  const { t } = useTranslation('syncIdentity');
  const session = useSession();
  const theCase = useQuery({ queryKey: ['sync', 'identity-case', id], queryFn: () => fetchIdentityCase(id), retry: false });
  const c = theCase.data;
  // A decision refused because someone decided the case meanwhile (409): the case is read again and shows theirs;
  // the refusal stays above it.
  const [conflict, setConflict] = useState<unknown>(null);
  const back = <Link to="/sync/identity-cases">{t('backToList')}</Link>;

  if (theCase.error)
    return (
      <Stack gap="md">
        <PageHeader title={t('caseTitle')} actions={back} />
        <ApiErrorAlert error={theCase.error} title={t('couldNotLoadCase')} testId="identity-error" />
      </Stack>
    );
  if (!c) return <Text>{t('loading')}</Text>;
  const ref = referenceSide(c);

  return (
    <Stack gap="md">
      <PageHeader
        title={t('caseTitle')}
        description={t('caseDescription', { at: dateTime(c.createdAt) })}
        actions={
          <Group gap="xs">
            <Badge
              size="lg"
              color={IDENTITY_STATUS_COLOR[c.status]}
              data-testid="identity-case-status"
              data-status={c.status}
              style={{ textTransform: 'none' }}
            >
              {t(`status.${c.status}`)}
            </Badge>
            {back}
          </Group>
        }
      />
      <Alert color="gray" variant="light" py={6}>
        <Text size="sm">{t('readNote')}</Text>
      </Alert>

      <Evidence c={c} />

      <Group align="stretch" gap="md" data-testid="identity-records">
        <RecordCard r={c.a} heading={t('recordA')} testId="identity-record-a" isReference={ref === 'a'} />
        <RecordCard r={c.b} heading={t('recordB')} testId="identity-record-b" isReference={ref === 'b'} />
      </Group>

      <ApiErrorAlert error={conflict} title={t('notSaved')} testId="identity-decide-error" />
      {c.decision ? (
        <Paper withBorder p="sm" radius="md" data-testid="identity-decision">
          <Title order={2} size="h4" mb="xs">
            {t('decision')}
          </Title>
          <Text size="sm" fw={600}>
            {t(`status.${c.status}`)}
          </Text>
          <Text size="sm" data-testid="identity-decided-by">
            {t('decidedBy', { by: isolate(c.decision.by ?? '–'), at: isolate(dateTime(c.decision.at)) })}
          </Text>
          <Text size="sm" data-testid="identity-decided-reason" style={{ overflowWrap: 'anywhere' }}>
            {t('reasonWas')} <span dir="auto">{c.decision.reason ?? '–'}</span>
          </Text>
          {c.decision.referenceSite && (
            <Text size="sm" data-testid="identity-decided-reference">
              {t('referenceWas', { site: isolate(c.decision.referenceSite) })}{' '}
              <Name inherit>{(ref === 'a' ? c.a : ref === 'b' ? c.b : null)?.names[0] ?? (c.decision.referencePerson ?? '').slice(0, 8)}</Name>
            </Text>
          )}
        </Paper>
      ) : session.can('biometrics.enrol') ? (
        <DecideForm c={c} onConflict={setConflict} />
      ) : (
        <Text size="sm" c="dimmed" data-testid="identity-no-decide">
          {t('cannotDecide')}
        </Text>
      )}
    </Stack>
  );
}

/** Each modality's score (or "not compared"), and all of it fused into one likelihood ratio, in words. */
function Evidence({ c }: { c: IdentityCase }) {
  const { t } = useTranslation('syncIdentity');
  const e = c.evidence;
  const ratio = ratioOf(e.log10Lr);
  const fmr = oneIn(e.targetFmr);
  const score = (s: number | null) =>
    s === null ? (
      <Text span c="dimmed">
        {t('notCompared')}
      </Text>
    ) : (
      <span className="mono">{num(Math.round(s * 100) / 100)}</span>
    );
  const modalities: { key: 'name' | 'face' | 'finger'; score: number | null }[] = [
    { key: 'name', score: e.name },
    { key: 'face', score: e.face },
    { key: 'finger', score: e.finger },
  ];
  return (
    <Paper withBorder p="sm" radius="md" data-testid="identity-evidence">
      <Title order={2} size="h4" mb="xs">
        {t('evidence.title')}
      </Title>
      <Text size="sm" mb="xs">
        {t('evidence.basis', { basis: t(`basis.${c.basis}`), score: num(Math.round(c.score * 100) / 100) })}
      </Text>
      {e.raisedBy && (
        <Text size="sm" mb="xs" c={e.raisedBy === 'biometrics' ? 'orange.8' : undefined} data-testid="identity-raised-by">
          {t(`raisedBy.${e.raisedBy}`)}
        </Text>
      )}
      <Table layout="fixed">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('evidence.modality')}</Table.Th>
            <Table.Th>{t('evidence.score')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {modalities.map((m) => (
            <Table.Tr key={m.key} data-testid={`identity-evidence-${m.key}`}>
              <Table.Td>{t(`evidence.${m.key}`)}</Table.Td>
              <Table.Td>{score(m.score)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Stack gap={4} mt="xs">
        <Text size="sm" fw={600} data-testid="identity-evidence-ratio">
          {ratio ? t(`ratio.${ratio.way}`, { n: num(ratio.times) }) : t('ratio.none')}
        </Text>
        <Text size="sm" data-testid="identity-evidence-fmr">
          {fmr === null ? t('fmr.none') : t('fmr.target', { n: num(fmr) })}
        </Text>
        <Text size="xs" c="dimmed">
          {t('evidence.note')}
        </Text>
      </Stack>
    </Paper>
  );
}

function RecordCard({ r, heading, testId, isReference }: { r: IdentityRecord | null; heading: string; testId: string; isReference: boolean }) {
  const { t } = useTranslation('syncIdentity');
  const birth = (rec: IdentityRecord) => {
    const b = birthRange(rec.birthFrom, rec.birthTo);
    if (!b) return t('birth.unknown');
    if (b.kind === 'year') return b.year!;
    if (b.kind === 'day') return longDate(b.from);
    if (b.kind === 'from') return t('birth.from', { from: longDate(b.from) });
    if (b.kind === 'to') return t('birth.to', { to: longDate(b.to) });
    return t('birth.range', { from: longDate(b.from), to: longDate(b.to) });
  };
  const rows: { label: string; of: (rec: IdentityRecord) => ReactNode }[] = [
    {
      label: t('row.site'),
      of: (rec) => (
        <Text span size="sm" className="mono" data-testid="identity-record-site">
          {rec.siteId}
        </Text>
      ),
    },
    {
      label: t('row.names'),
      of: (rec) => (
        <Stack gap={2} data-testid="identity-record-names">
          {rec.names.length === 0
            ? '–'
            : rec.names.map((n, i) => (
                <Name key={`${i}-${n}`} size="sm" fw={i === 0 ? 600 : undefined}>
                  {n}
                </Name>
              ))}
        </Stack>
      ),
    },
    { label: t('row.sex'), of: (rec) => t(`sex.${rec.sex}`, { defaultValue: rec.sex }) },
    { label: t('row.birth'), of: birth },
    { label: t('row.nationalities'), of: (rec) => rec.nationalities.join(', ') || '–' },
    { label: t('row.templates'), of: (rec) => (rec.templates === 0 ? t('noTemplates') : t('templates', { count: rec.templates, n: num(rec.templates) })) },
    {
      label: t('row.person'),
      of: (rec) => (
        <Text span size="xs" className="mono">
          {rec.personId}
        </Text>
      ),
    },
  ];
  return (
    <Paper withBorder p="sm" radius="md" style={{ flex: '1 1 300px', minWidth: 0 }} data-testid={testId} data-site={r?.siteId} data-person={r?.personId}>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h5">
          {heading}
        </Title>
        {isReference && (
          <Badge color="blue" variant="light" style={{ textTransform: 'none' }} data-testid="identity-reference-badge">
            {t('referenceBadge')}
          </Badge>
        )}
      </Group>
      {!r ? (
        <Text size="sm" c="dimmed">
          {t('missingRecord')}
        </Text>
      ) : (
        <Table variant="vertical" layout="fixed" withRowBorders={false}>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.label}>
                <Table.Th w={110}>{row.label}</Table.Th>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>{row.of(r)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

type Choice = 'same_person' | 'different_persons';

/** A name or date set apart from the sentence around it (first-strong isolate), so Latin in Arabic keeps its order. */
const isolate = (s: string): string => `\u2068${s}\u2069`;

/**
 * The decision: same person (naming the record that stays the reference) or different persons, with a reason. The
 * server checks it (a reason of 3 characters at least, a reference that is one of the two records, a case still
 * open) and its refusal is shown with its message; what was typed stays.
 */
function DecideForm({ c, onConflict }: { c: IdentityCase; onConflict: (error: unknown) => void }) {
  const { t } = useTranslation('syncIdentity');
  const qc = useQueryClient();
  const [decision, setDecision] = useState<Choice | null>(null);
  const [reference, setReference] = useState<'a' | 'b' | ''>('');
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const decide = useMutation({
    mutationFn: () => {
      const r = reference === 'a' ? c.a : reference === 'b' ? c.b : null;
      return decideIdentityCase(c.id, {
        decision: decision!,
        reason: reason.trim(),
        reference: decision === 'same_person' && r ? { siteId: r.siteId, personId: r.personId } : undefined,
      });
    },
    onSuccess: async (updated) => {
      qc.setQueryData(['sync', 'identity-case', c.id], updated);
      await qc.invalidateQueries({ queryKey: ['sync', 'identity-cases'] });
    },
    onError: async (error) => {
      if (!(error instanceof ApiError) || error.status !== 409) return;
      onConflict(error);
      await qc.invalidateQueries({ queryKey: ['sync'] });
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    // Only the choice itself is needed to send anything; the rest the server checks, and says what is wrong.
    setMissing(!decision);
    if (decision) decide.mutate();
  }
  const label = (r: IdentityRecord | null, heading: string) => (r ? `${heading}: ${isolate(`${r.siteId}, ${r.names[0] ?? r.personId}`)}` : heading);
  return (
    <Paper withBorder p="sm" radius="md" data-testid="identity-decide">
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
                setDecision(v as Choice);
                setMissing(false);
                decide.reset();
              }}
              data={[
                { value: 'same_person', label: t('samePerson') },
                { value: 'different_persons', label: t('differentPersons') },
              ]}
              fullWidth
              size="md"
              aria-label={t('decision')}
              data-testid="identity-choice"
            />
            {missing && (
              <Text size="sm" c="red.8" role="alert" data-testid="identity-choice-missing">
                {t('chooseFirst')}
              </Text>
            )}
          </div>
          {decision === 'same_person' && (
            <Radio.Group
              label={t('reference')}
              description={t('referenceHelp')}
              value={reference}
              onChange={(v) => {
                setReference(v as 'a' | 'b');
                decide.reset();
              }}
              withAsterisk
              data-testid="identity-reference"
            >
              <Stack gap={4} mt={4}>
                <Radio value="a" label={label(c.a, t('recordA'))} disabled={!c.a} data-testid="identity-reference-a" />
                <Radio value="b" label={label(c.b, t('recordB'))} disabled={!c.b} data-testid="identity-reference-b" />
              </Stack>
            </Radio.Group>
          )}
          <Textarea
            label={t('reason')}
            description={t('reasonHelp')}
            placeholder={t('reasonPlaceholder')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            ref={bidi('auto')}
            maxLength={2000}
            autosize
            minRows={2}
            withAsterisk
            data-testid="identity-reason"
          />
          <ApiErrorAlert error={decide.error} title={t('notSaved')} testId="identity-decide-error" />
          <Group justify="flex-end">
            <Button type="submit" loading={decide.isPending} data-testid="identity-submit">
              {t('record')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
