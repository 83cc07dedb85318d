import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Group, MultiSelect, Paper, Select, SimpleGrid, Stack, Text, TextInput, Timeline, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { Link } from '../../components/Link';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/Problems';
import { api } from '../../lib/api';
import { dateTime } from '../../lib/format';
import { useSession } from '../../lib/session';
import { EVIDENCE_KINDS, STAGE_COLOR, useRepatriationRequest, useRepatriationRequests, type RepatriationRequest } from './repatriation.api';

/** A repatriation request: its stage and deadline, the state's decision on the nationality, evidence, the next steps. */
export default function RepatriationRequestPage({ id }: { id: string }) {
  const { t } = useTranslation('repatriation');
  const session = useSession();
  const qc = useQueryClient();
  const request = useRepatriationRequest(id);
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [representative, setRepresentative] = useState('');
  const [evidenceKind, setEvidenceKind] = useState<string | null>('dna');
  const [evidenceRef, setEvidenceRef] = useState('');
  // a family handed over in one act (the best-interests step sees them leave together): other requests to the state
  // ready for the handover
  const [together, setTogether] = useState<string[]>([]);
  const done = (r: RepatriationRequest) => {
    qc.setQueryData(['repatriation', 'request', id], r);
    void qc.invalidateQueries({ queryKey: ['repatriation'] });
    setNote('');
    setReason('');
  };
  const post = (path: string, body: object) => api<RepatriationRequest>(`/repatriation/requests/${id}${path}`, { method: 'POST', body });
  const act = useMutation({
    mutationFn: (action: string) => post('/steps', { action, note: note || undefined, reason: reason || undefined }),
    onSuccess: done,
  });
  const nationality = useMutation({
    mutationFn: (status: 'verified' | 'disputed') => post('/nationality', { status, note: note || undefined }),
    onSuccess: done,
  });
  const evidence = useMutation({
    mutationFn: () => post('/evidence', { kind: evidenceKind, reference: evidenceRef }),
    onSuccess: (r) => (done(r), setEvidenceRef('')),
  });
  const handover = useMutation({
    mutationFn: () => post('/handover', { representative, note: note || undefined, withRequestIds: together.length > 0 ? together : undefined }),
    onSuccess: (r) => (done(r), setTogether([])),
  });

  const r = request.data;
  const ready = useRepatriationRequests({ state: r?.state, stage: 'travel_documents', page: 1, size: 200 });
  const others = (ready.data?.rows ?? []).filter((x) => x.id !== id);
  const write = session.can('repatriation.write');
  const open = r && r.actions.length > 0;
  const error = act.error ?? nationality.error ?? evidence.error ?? handover.error;
  return (
    <Stack gap="md" data-testid="repatriation-request">
      <PageHeader
        title={r ? t('request.title', { name: r.name ?? r.personId.slice(0, 8), state: r.state }) : t('request.loading')}
        description={<Link to="/repatriation/requests">{t('list.title')}</Link>}
      />
      <ErrorNote error={request.error} what={t('request.what')} />
      {r && (
        <>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Paper withBorder p="sm" radius="md">
              <Text size="xs" c="dimmed">
                {t('column.stage')}
              </Text>
              <Badge size="lg" color={STAGE_COLOR[r.stage]} data-testid="request-stage" data-stage={r.stage}>
                {t(`stage.${r.stage}`)}
              </Badge>
              {r.overdue && (
                <Badge ms={6} color="red" data-testid="overdue">
                  {t('request.overdue')}
                </Badge>
              )}
            </Paper>
            <Paper withBorder p="sm" radius="md">
              <Text size="xs" c="dimmed">
                {t('column.due')}
              </Text>
              <Text>{r.dueAt ? dateTime(r.dueAt) : '–'}</Text>
            </Paper>
            <Paper withBorder p="sm" radius="md">
              <Text size="xs" c="dimmed">
                {t('column.nationality')}
              </Text>
              <Text data-testid="request-nationality">{t(`nationality.${r.nationalityStatus}`)}</Text>
              {r.minor && <Badge color="grape">{t('request.minor')}</Badge>}
            </Paper>
          </SimpleGrid>
          {r.representative && (
            <Text data-testid="request-representative">
              {t('request.handedTo', { representative: r.representative })}{' '}
              {session.can('custody.read') && <Link to={`/persons/${r.personId}`}>{t('request.person')}</Link>}
            </Text>
          )}
          {r.reason && <Text c="red">{r.reason}</Text>}

          {open && (write || session.can('repatriation.handover')) && (
            <Paper withBorder p="sm" radius="md" data-testid="request-actions">
              <Title order={5} mb="xs">
                {t('request.next')}
              </Title>
              <Group gap="sm" align="end">
                <TextInput label={t('request.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} w={280} />
                {r.actions.some((a) => a === 'refuse' || a === 'withdraw') && write && (
                  <TextInput
                    label={t('request.reason')}
                    value={reason}
                    onChange={(e) => setReason(e.currentTarget.value)}
                    w={240}
                    data-testid="request-reason"
                  />
                )}
              </Group>
              <Group gap="xs" mt="sm">
                {write && r.stage !== 'accepted' && r.stage !== 'travel_documents' && r.nationalityStatus !== 'verified' && (
                  <Button variant="light" onClick={() => nationality.mutate('verified')} data-testid="nationality-verified">
                    {t('action.verify_nationality')}
                  </Button>
                )}
                {write &&
                  r.actions
                    .filter((a) => a !== 'hand_over')
                    .map((a) => (
                      <Button
                        key={a}
                        color={a === 'refuse' ? 'red' : a === 'withdraw' ? 'gray' : undefined}
                        variant={a === 'refuse' || a === 'withdraw' ? 'light' : 'filled'}
                        onClick={() => act.mutate(a)}
                        loading={act.isPending && act.variables === a}
                        data-testid={`action-${a}`}
                      >
                        {t(`action.${a}`)}
                      </Button>
                    ))}
              </Group>
              {r.actions.includes('hand_over') && session.can('repatriation.handover') && (
                <Group gap="sm" align="end" mt="sm">
                  <TextInput
                    label={t('request.representative')}
                    value={representative}
                    onChange={(e) => setRepresentative(e.currentTarget.value)}
                    w={340}
                    data-testid="handover-representative"
                  />
                  {others.length > 0 && (
                    <MultiSelect
                      label={t('request.together')}
                      data={others.map((x) => ({ value: x.id, label: `${x.name ?? x.personId.slice(0, 8)} · ${x.id.slice(0, 8)}` }))}
                      value={together}
                      onChange={setTogether}
                      searchable
                      clearable
                      w={340}
                      data-testid="handover-together"
                    />
                  )}
                  <Button color="green" onClick={() => handover.mutate()} disabled={representative.trim().length < 2} data-testid="action-hand_over">
                    {t('action.hand_over')}
                  </Button>
                </Group>
              )}
              <ApiErrorAlert error={error} />
            </Paper>
          )}

          <Paper withBorder p="sm" radius="md">
            <Title order={5} mb="xs">
              {t('evidence.title')}
            </Title>
            <Text size="xs" c="dimmed" mb="xs">
              {t('evidence.hint')}
            </Text>
            {r.evidence.length === 0 ? (
              <Text size="sm">{t('evidence.none')}</Text>
            ) : (
              r.evidence.map((e) => (
                <Text size="sm" key={e.id} data-testid="evidence-row">
                  {t(`evidence.kind.${e.kind}`)}: {e.reference} ({e.recordedBy}, {dateTime(e.recordedAt)})
                </Text>
              ))
            )}
            {open && write && (
              <Group gap="sm" align="end" mt="xs">
                <Select
                  label={t('evidence.kindLabel')}
                  value={evidenceKind}
                  onChange={setEvidenceKind}
                  data={EVIDENCE_KINDS.map((k) => ({ value: k, label: t(`evidence.kind.${k}`) }))}
                  w={200}
                />
                <TextInput
                  label={t('evidence.reference')}
                  value={evidenceRef}
                  onChange={(e) => setEvidenceRef(e.currentTarget.value)}
                  w={260}
                  data-testid="evidence-reference"
                />
                <Button variant="light" onClick={() => evidence.mutate()} disabled={!evidenceRef.trim()} data-testid="evidence-add">
                  {t('evidence.add')}
                </Button>
              </Group>
            )}
          </Paper>

          <Paper withBorder p="sm" radius="md">
            <Title order={5} mb="xs">
              {t('request.timeline')}
            </Title>
            <Timeline bulletSize={14} lineWidth={2} active={r.steps.length}>
              {r.steps.map((s) => (
                <Timeline.Item
                  key={s.id}
                  title={s.toStage ? t(`stage.${s.toStage}`) : t(`step.${s.kind}`, { defaultValue: s.kind })}
                  data-testid="timeline-step"
                >
                  <Text size="xs" c="dimmed">
                    {dateTime(s.at)} · {s.by}
                    {s.dueAt ? ` · ${t('request.dueBy', { at: dateTime(s.dueAt) })}` : ''}
                  </Text>
                  {s.note && <Text size="sm">{s.note}</Text>}
                </Timeline.Item>
              ))}
            </Timeline>
          </Paper>
        </>
      )}
    </Stack>
  );
}
