// A counted movement's discrepancies resolved on screen (issue 18): each missing person found at the destination or
// found never to have boarded, each extra re-attributed to the flight whose manifest named them or sent back; always
// with a reason. The arrival screen shows one movement's panel, the operation's dashboard every movement's.
import { Badge, Button, Group, Paper, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { useSession } from '../../lib/session';
import { discrepanciesOf, type MovementDiscrepancies, type Resolution, resolveDiscrepancy } from './arrival.api';

type Kind = Resolution['kind'];

/** One movement's panel, loaded here (the arrival screen). */
export function MovementDiscrepancyPanel({ movementId }: { movementId: string }) {
  const q = useQuery({ queryKey: ['transfers', 'discrepancies', movementId], queryFn: () => discrepanciesOf(movementId) });
  if (!q.data) return null;
  if (q.data.missing.length + q.data.extra.length + q.data.resolved.length === 0) return null;
  return <DiscrepancyPanel data={q.data} />;
}

export function DiscrepancyPanel({ data }: { data: MovementDiscrepancies }) {
  const { t } = useTranslation('transfersarrival');
  const open = data.missing.length + data.extra.length;
  return (
    <Paper withBorder p="sm" radius="md" data-testid={`disc-panel-${data.movement.code}`} data-open={open}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600}>{t('disc.title', { code: data.movement.code })}</Text>
          <Badge color={open ? 'red' : 'teal'} data-testid="disc-state">
            {open ? t('disc.open', { count: open }) : t('disc.allResolved')}
          </Badge>
        </Group>
        {data.missing.map((x) => (
          <ResolveRow
            key={`m-${x.personId}`}
            movementId={data.movement.id}
            personId={x.personId}
            label={t('disc.missing', { name: x.name ?? x.personId })}
            kinds={['found', 'not_boarded']}
            initial="found"
            testId="disc-missing"
          />
        ))}
        {data.extra.map((x) => (
          <ResolveRow
            key={`e-${x.personId}`}
            movementId={data.movement.id}
            personId={x.personId}
            label={`${t('disc.extra', { name: x.name ?? x.personId })} ${
              x.ownMovement
                ? t('disc.ownMovement', { code: x.ownMovement.code, status: t(`move.${x.ownMovement.moveStatus}`, { defaultValue: x.ownMovement.moveStatus }) })
                : t('onNoMovement')
            }`}
            kinds={x.ownMovement ? ['reattributed', 'sent_back'] : ['sent_back', 'reattributed']}
            initial={x.ownMovement ? 'reattributed' : 'sent_back'}
            otherCode={x.ownMovement?.code ?? null}
            testId="disc-extra"
          />
        ))}
        {data.resolved.map((r) => (
          <Text key={r.id} size="sm" c="teal" data-testid="disc-resolved" data-kind={r.kind}>
            {t('disc.resolvedLine', {
              name: r.name ?? r.personId,
              how: t(`disc.kind.${r.kind}`, { code: r.otherMovement?.code ?? '' }),
              reason: r.reason,
            })}
          </Text>
        ))}
      </Stack>
    </Paper>
  );
}

function ResolveRow(props: { movementId: string; personId: string; label: string; kinds: Kind[]; initial: Kind; otherCode?: string | null; testId: string }) {
  const { t } = useTranslation('transfersarrival');
  const session = useSession();
  const qc = useQueryClient();
  const [kind, setKind] = useState<Kind>(props.initial);
  const [reason, setReason] = useState('');
  const [verificationId, setVerificationId] = useState('');
  const resolve = useMutation({
    mutationFn: () => {
      const base = { personId: props.personId, reason: reason.trim() };
      const body: Resolution = kind === 'found' ? { kind, ...base, verificationId: verificationId.trim() || undefined } : { kind, ...base };
      return resolveDiscrepancy(props.movementId, body);
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['transfers'] }),
  });
  return (
    <Stack gap={4} data-testid={props.testId} data-person={props.personId}>
      <Text size="sm" c="red">
        {props.label}
      </Text>
      {session.can('transfers.run') && (
        <Group align="end" gap="xs" wrap="wrap">
          <Select
            label={t('disc.how')}
            data={props.kinds.map((k) => ({ value: k, label: t(`disc.kind.${k}`, { code: props.otherCode ?? '' }) }))}
            value={kind}
            onChange={(v) => v && setKind(v as Kind)}
            allowDeselect={false}
            size="xs"
            w={260}
            data-testid="disc-kind"
          />
          <TextInput
            label={t('disc.reason')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            maxLength={300}
            size="xs"
            w={260}
            data-testid="disc-reason"
          />
          {kind === 'found' && (
            <TextInput label={t('disc.verification')} value={verificationId} onChange={(e) => setVerificationId(e.currentTarget.value)} size="xs" w={200} />
          )}
          <Button size="xs" onClick={() => resolve.mutate()} disabled={reason.trim().length < 3} loading={resolve.isPending} data-testid="disc-resolve">
            {t('disc.resolve')}
          </Button>
        </Group>
      )}
      <ApiErrorAlert error={resolve.error} title={t('notDone')} />
    </Stack>
  );
}
