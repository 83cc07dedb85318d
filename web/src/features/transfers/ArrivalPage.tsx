// The arrival screen (issue 18): identify each person off the movement against its gallery, confirm, count, sign.
import { Alert, Badge, Button, Card, Group, Image, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { Link } from '../../components/Link';
import { useRouter } from '../../lib/router';
import { useSession } from '../../lib/session';
import { useRecordPhotos } from '../verify/photos';
import { ProbeCapture } from '../verify/ProbeCapture';
import type { Probe } from '../verify/verify.api';
import { arrivalOf, closeCount, decideCheck, identifyOff, signReceipt, type ArrivalCheck } from './arrival.api';
import { MovementDiscrepancyPanel } from './DiscrepancyPanel';

const OUTCOME_COLOR: Record<string, string> = { on_manifest: 'teal', other_manifest: 'orange', not_on_manifest: 'red', unknown: 'red' };

export default function ArrivalPage({ id }: { id: string }) {
  const { t } = useTranslation('transfersarrival');
  const session = useSession();
  const { navigate } = useRouter();
  const qc = useQueryClient();
  const arrival = useQuery({ queryKey: ['transfers', 'arrival', id], queryFn: () => arrivalOf(id), refetchInterval: 10_000 });
  const [probe, setProbe] = useState<Probe | null>(null);
  const onProbe = useCallback((p: Probe | null) => setProbe(p), []);
  const refresh = () => qc.invalidateQueries({ queryKey: ['transfers'] });
  const identify = useMutation({ mutationFn: (p: Probe) => identifyOff(id, p), onSuccess: () => void refresh() });
  const close = useMutation({ mutationFn: () => closeCount(id), onSuccess: () => void refresh() });
  const sign = useMutation({ mutationFn: (hash: string) => signReceipt(id, hash), onSuccess: () => void refresh() });
  const a = arrival.data;
  const photos = useRecordPhotos(a ? [...a.pending.map((c) => c.candidate?.personId ?? ''), ...a.notYet.map((x) => x.personId)].filter(Boolean) : [], {
    purpose: 'transfer arrival',
  });
  if (arrival.error) return <ApiErrorAlert error={arrival.error} title={t('notLoaded')} />;
  if (!a) return null;
  const m = a.movement;
  const arriving = m.status === 'departed';
  return (
    <Stack data-testid="arrival">
      <Group justify="space-between">
        <Title order={2}>{t('title', { code: m.code })}</Title>
        <Group>
          <Badge size="lg">{t(`status.${m.status}`, { defaultValue: m.status })}</Badge>
          <Button onClick={() => navigate(`/transfers/movements/${id}/print`)} variant="light" data-testid="arrival-print">
            {t('print')}
          </Button>
        </Group>
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Card withBorder data-testid="arrival-on">
          <Text c="dimmed">{t('countOn')}</Text>
          <Text fz={28} fw={700}>
            {a.countOn}
          </Text>
        </Card>
        <Card withBorder data-testid="arrival-off">
          <Text c="dimmed">{t('countOff')}</Text>
          <Text fz={28} fw={700}>
            {a.countOff}
          </Text>
        </Card>
        <Card withBorder>
          <Text c="dimmed">{t('notYetCount')}</Text>
          <Text fz={28} fw={700}>
            {a.notYet.length}
          </Text>
        </Card>
        <Card withBorder>
          <Text c="dimmed">{t('extraCount')}</Text>
          <Text fz={28} fw={700} c={a.extra.length ? 'red' : undefined}>
            {a.extra.length}
          </Text>
        </Card>
      </SimpleGrid>
      {arriving && (
        <Card withBorder>
          <Stack gap="xs">
            <Title order={4}>{t('identify.title')}</Title>
            <Text c="dimmed" size="sm">
              {t('identify.help')}
            </Text>
            <ProbeCapture onProbe={onProbe} fingerOptional testId="arrival-probe" />
            <Button size="lg" onClick={() => probe && identify.mutate(probe)} disabled={!probe} loading={identify.isPending} data-testid="arrival-identify">
              {t('identify.run')}
            </Button>
            <ApiErrorAlert error={identify.error} title={t('notDone')} />
          </Stack>
        </Card>
      )}
      {a.pending.length > 0 && (
        <Stack gap="xs">
          <Title order={4}>{t('pending', { count: a.pending.length })}</Title>
          {a.pending.map((c) => (
            <CheckCard key={c.id} movementId={id} check={c} photo={c.candidate ? photos.get(c.candidate.personId) : null} onDone={refresh} />
          ))}
        </Stack>
      )}
      <Group>
        {arriving && (
          <Button color="orange" onClick={() => close.mutate()} loading={close.isPending} disabled={a.pending.length > 0} data-testid="arrival-close">
            {t('close')}
          </Button>
        )}
        {m.status === 'arrived' && m.manifestHash && (
          <Button color="teal" onClick={() => sign.mutate(m.manifestHash!)} loading={sign.isPending} data-testid="arrival-sign">
            {t('sign')}
          </Button>
        )}
        {m.receiverSigned && <Badge color="teal">{t('signed')}</Badge>}
      </Group>
      <ApiErrorAlert error={close.error ?? sign.error} title={t('notDone')} />
      {m.missing.length + m.extra.length > 0 && !arriving && (
        <Alert color="red" title={t('discrepancy.title')}>
          {t('discrepancy.body', { missing: m.missing.length, extra: m.extra.length })}
        </Alert>
      )}
      {['arrived', 'received', 'disputed'].includes(m.status) && <MovementDiscrepancyPanel movementId={id} />}
      {arriving && (
        <>
          <Title order={4}>{t('notYet', { count: a.notYet.length })}</Title>
          <Table.ScrollContainer minWidth={320}>
            <Table striped data-testid="arrival-not-yet">
              <Table.Tbody>
                {a.notYet.map((x) => (
                  <Table.Tr key={x.personId}>
                    <Table.Td w={56}>{photos.get(x.personId) ? <Image src={photos.get(x.personId)!} w={40} h={52} alt="" radius="sm" /> : null}</Table.Td>
                    <Table.Td>
                      {session.can('persons.read') ? <Link to={`/persons/${x.personId}`}>{x.name ?? x.personId}</Link> : (x.name ?? x.personId)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
      {a.extra.length > 0 && (
        <>
          <Title order={4}>{t('extra', { count: a.extra.length })}</Title>
          <Table>
            <Table.Tbody>
              {a.extra.map((x) => (
                <Table.Tr key={x.personId}>
                  <Table.Td>{x.name ?? x.personId}</Table.Td>
                  <Table.Td>{x.movementCode ? t('onMovement', { code: x.movementCode }) : t('onNoMovement')}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
      <Title order={4}>{t('identified', { count: a.identified.length })}</Title>
      <Table>
        <Table.Tbody>
          {a.identified.map((x) => (
            <Table.Tr key={x.personId}>
              <Table.Td>{x.name ?? x.personId}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function CheckCard({ movementId, check, photo, onDone }: { movementId: string; check: ArrivalCheck; photo: string | null | undefined; onDone: () => void }) {
  const { t } = useTranslation('transfersarrival');
  const [reason, setReason] = useState('');
  const decide = useMutation({
    mutationFn: (decision: 'confirmed' | 'rejected') => decideCheck(movementId, check.id, { decision, reason }),
    onSuccess: onDone,
  });
  return (
    <Card withBorder data-testid="arrival-check">
      <Group align="flex-start" wrap="nowrap">
        {photo ? <Image src={photo} w={72} h={96} alt="" radius="sm" /> : null}
        <Stack gap={4} style={{ flex: 1 }}>
          <Badge color={OUTCOME_COLOR[check.outcome] ?? 'gray'}>{t(`outcome.${check.outcome}`)}</Badge>
          {check.candidate ? (
            <Text fw={600}>{t('proposed', { name: check.candidate.name ?? check.candidate.personId, score: check.candidate.score?.toFixed(3) ?? '—' })}</Text>
          ) : (
            <Text>{t('nobody')}</Text>
          )}
          {check.otherMovement && <Text c="orange">{t('onMovement', { code: check.otherMovement.code ?? check.otherMovement.id })}</Text>}
          {check.alreadyIdentified && <Text c="orange">{t('already')}</Text>}
          <TextInput label={t('reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
          <Group>
            <Button
              color="teal"
              onClick={() => decide.mutate('confirmed')}
              disabled={!check.candidate}
              loading={decide.isPending}
              data-testid="arrival-confirm"
            >
              {t('confirm')}
            </Button>
            <Button color="red" variant="light" onClick={() => decide.mutate('rejected')} disabled={!reason.trim()} loading={decide.isPending}>
              {t('reject')}
            </Button>
          </Group>
          <ApiErrorAlert error={decide.error} title={t('notDone')} />
        </Stack>
      </Group>
    </Card>
  );
}
