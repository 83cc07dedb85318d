// The boarding tablet (issue 18 point 7): the next person on the manifest (with the record's photo where the role may
// see it), a 1:1 verification from the camera or an uploaded image, boarding that cites it, or a supervisor's override
// with a reason when the check failed or was skipped; the boarding count against the manifest, live.
import { Alert as Note, Badge, Button, Group, Paper, Progress, Select, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { Link } from '../../components/Link';
import { PageHeader } from '../../components/PageHeader';
import { bidi, num } from '../../lib/format';
import { useSession } from '../../lib/session';
import { useRecordPhotos } from '../verify/photos';
import { ProbeCapture } from '../verify/ProbeCapture';
import { VerificationResult } from '../verify/VerificationResult';
import { type Probe, type Verification, verifyPerson } from '../verify/verify.api';
import { movementAction, useManifest } from './transfersplan.api';

const SUPERVISORS = ['admin', 'commander'];
const PURPOSE = 'boarding check';

export default function BoardingTabletPage({ id }: { id: string }) {
  const { t } = useTranslation('transfersplan');
  const qc = useQueryClient();
  const session = useSession();
  const manifest = useManifest(id, { live: true, limit: 2000 });
  const m = manifest.data?.movement;
  const waiting = (manifest.data?.moves ?? []).filter((x) => x.status === 'approved');
  const [chosen, setChosen] = useState<string | null>(null);
  const next = waiting.find((x) => x.personId === chosen) ?? waiting[0] ?? null;
  const [probe, setProbe] = useState<Probe | null>(null);
  const [verification, setVerification] = useState<Verification | null>(null);
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const onProbe = useCallback((p: Probe | null) => setProbe(p), []);
  const photo = useRecordPhotos(next ? [next.personId] : [], { purpose: PURPOSE, size: 'full' }).get(next?.personId ?? '');
  // a new person at the door: a new check
  useEffect(() => {
    setVerification(null);
    setReason('');
  }, [next?.personId]);

  const verify = useMutation({
    mutationFn: () => verifyPerson(next!.personId, probe!),
    onSuccess: setVerification,
  });
  const board = useMutation({
    mutationFn: (how: 'verified' | 'override') =>
      movementAction(
        id,
        'board',
        how === 'verified'
          ? { personId: next!.personId, verificationId: verification!.id }
          : { personId: next!.personId, override: { reason: reason.trim(), verificationId: verification?.id } },
      ),
    onSuccess: () => {
      setDone(t('board.boarded', { name: next?.name ?? next?.personId }));
      setChosen(null);
      void qc.invalidateQueries({ queryKey: ['transfers'] });
    },
    onMutate: () => setDone(null),
  });
  const depart = useMutation({
    mutationFn: () => movementAction(id, 'depart', {}),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['transfers'] }),
  });

  if (!m) return <ApiErrorAlert error={manifest.error} title={t('notDone')} />;
  const onManifest = m.total - (m.byStatus.cancelled ?? 0);
  const boarded = m.byStatus.boarded ?? 0;
  const supervisor = SUPERVISORS.includes(session.role);
  const matched = verification?.result === 'match';
  const canVerify = session.can('biometrics.read');
  return (
    <Stack gap="md" maw={960}>
      <PageHeader
        title={t('board.title', { code: m.code })}
        description={t('board.description')}
        actions={<Link to="/transfers/plan">{t('links.planner')}</Link>}
      />
      <Paper withBorder p="sm" radius="md">
        <Group justify="space-between">
          <Text fw={700} size="lg" data-testid="board-count" data-boarded={boarded} data-manifest={onManifest}>
            {t('board.count', { boarded: num(boarded), total: num(onManifest) })}
          </Text>
          <Badge variant="light">{t(`state.${m.status}`, { defaultValue: m.status })}</Badge>
        </Group>
        <Progress value={onManifest ? (100 * boarded) / onManifest : 0} mt="xs" color="teal" aria-label={t('board.count', { boarded, total: onManifest })} />
      </Paper>
      {m.status !== 'approved' && <Note color="gray">{t('board.notBoarding')}</Note>}
      {m.status === 'approved' && next && (
        <Paper withBorder p="md" radius="md" data-testid="board-next" data-person={next.personId}>
          <Stack gap="sm">
            <Group align="flex-start" wrap="nowrap">
              {photo ? (
                <img
                  src={photo}
                  alt={t('board.photo')}
                  width={96}
                  height={128}
                  style={{ width: 96, height: 128, objectFit: 'cover' }}
                  data-testid="board-photo"
                />
              ) : (
                <Text size="xs" c="dimmed" w={96}>
                  {t('board.noPhoto')}
                </Text>
              )}
              <Stack gap={4} style={{ minWidth: 0 }}>
                <Text size="xs" c="dimmed">
                  {t('board.next', { count: waiting.length })}
                </Text>
                <Title order={2} size="h3" dir="auto" data-testid="board-name">
                  {next.name ?? next.personId}
                </Title>
                <Select
                  aria-label={t('board.choose')}
                  placeholder={t('board.choose')}
                  data={waiting.map((x) => ({ value: x.personId, label: x.name ?? x.personId }))}
                  value={chosen}
                  onChange={setChosen}
                  searchable
                  size="xs"
                  maw={320}
                />
              </Stack>
            </Group>
            {canVerify ? (
              <>
                <ProbeCapture onProbe={onProbe} testId="board-probe" />
                <Group>
                  <Button size="md" onClick={() => verify.mutate()} disabled={!probe} loading={verify.isPending} data-testid="board-verify">
                    {t('board.verify')}
                  </Button>
                  <Button
                    size="md"
                    color="teal"
                    onClick={() => board.mutate('verified')}
                    disabled={!matched}
                    loading={board.isPending && board.variables === 'verified'}
                    data-testid="board-go"
                  >
                    {t('board.board')}
                  </Button>
                </Group>
                <ApiErrorAlert error={verify.error} title={t('board.verifyFailed')} testId="board-verify-error" />
              </>
            ) : (
              <Note color="gray" data-testid="board-no-biometrics">
                {t('board.noBiometrics')}
              </Note>
            )}
            {verification && <VerificationResult v={verification} photo={photo} />}
            {!matched && (
              <Stack gap="xs">
                <Textarea
                  label={t('board.overrideReason')}
                  description={supervisor ? t('board.overrideHint') : t('board.overrideNeedsSupervisor')}
                  value={reason}
                  onChange={(e) => setReason(e.currentTarget.value)}
                  autosize
                  minRows={2}
                  maxLength={300}
                  dir="auto"
                  ref={bidi('auto')}
                  disabled={!supervisor}
                  data-testid="board-override-reason"
                />
                <Group>
                  <Button
                    variant="light"
                    color="orange"
                    onClick={() => board.mutate('override')}
                    disabled={!supervisor || reason.trim().length < 3}
                    loading={board.isPending && board.variables === 'override'}
                    data-testid="board-override"
                  >
                    {t('board.override')}
                  </Button>
                </Group>
              </Stack>
            )}
          </Stack>
        </Paper>
      )}
      {m.status === 'approved' && !next && <Note color="teal">{t('board.allDone')}</Note>}
      <ApiErrorAlert error={board.error} title={t('board.refused')} testId="board-error" />
      {done && (
        <Note color="teal" data-testid="board-done">
          {done}
        </Note>
      )}
      {m.status === 'approved' && (
        <Group>
          <Button color="orange" onClick={() => depart.mutate()} disabled={boarded === 0} loading={depart.isPending} data-testid="board-depart">
            {t('board.depart', { count: boarded })}
          </Button>
          {waiting.length > 0 && boarded > 0 && (
            <Text size="sm" c="dimmed">
              {t('board.departWarning', { count: waiting.length })}
            </Text>
          )}
        </Group>
      )}
      <ApiErrorAlert error={depart.error} title={t('notDone')} />
      <Title order={2} size="h4">
        {t('board.manifest', { count: manifest.data!.total })}
      </Title>
      <Table.ScrollContainer minWidth={360}>
        <Table striped data-testid="board-manifest">
          <Table.Tbody>
            {manifest.data!.moves.map((x) => (
              <Table.Tr key={x.personId}>
                <Table.Td dir="auto">{x.name ?? x.personId}</Table.Td>
                <Table.Td>
                  <Text size="xs" fw={700} c={x.status === 'boarded' ? 'teal' : x.status === 'cancelled' ? 'dimmed' : 'blue'} style={{ whiteSpace: 'nowrap' }}>
                    {t(`move.${x.status}`, { defaultValue: x.status })}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs">
                    {x.overrideReason ? t('board.byOverride', { reason: x.overrideReason }) : x.verificationId ? t('board.byVerification') : ''}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
