// The transfer operations (issue 18): the dashboard, each movement's manifest, and the boarding / arrival actions.
import { Badge, Button, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { errorText } from '../../i18n/errors';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { ManifestResponse, MovementResponse, OperationResponse } from '../../../../src/modules/transfers/transfers.dto';
import { api, apiPage } from '../../lib/api';

type Operation = z.input<typeof OperationResponse>;
type Movement = z.input<typeof MovementResponse>;
type Manifest = z.input<typeof ManifestResponse>;

const STATUS_COLOR: Record<string, string> = { planned: 'gray', approved: 'blue', departed: 'orange', arrived: 'yellow', received: 'teal', disputed: 'red' };

export default function TransfersPage() {
  const { t } = useTranslation('transfers');
  const [operationId, setOperationId] = useState<string | null>(null);
  const [movementId, setMovementId] = useState<string | null>(null);
  const ops = useQuery({ queryKey: ['transfers', 'operations'], queryFn: () => apiPage<Operation>('/transfers/operations?limit=500') });
  const current = operationId ?? ops.data?.rows[0]?.id ?? null;
  const movements = useQuery({
    queryKey: ['transfers', 'movements', current],
    queryFn: () => api<Movement[]>(`/transfers/operations/${current}/movements`),
    enabled: !!current,
  });
  const op = ops.data?.rows.find((o) => o.id === current);
  return (
    <Stack>
      <Title order={2}>{t('title')}</Title>
      <Text c="dimmed">{t('description')}</Text>
      {ops.data && (
        <Select
          label={t('operation', { count: ops.data.total })}
          data={ops.data.rows.map((o) => ({ value: o.id, label: o.name }))}
          value={current}
          onChange={(v) => {
            setOperationId(v);
            setMovementId(null);
          }}
          maw={420}
        />
      )}
      {op && (
        <Group>
          <Badge size="lg">{t('dashboard.movements', { count: op.movements })}</Badge>
          <Badge size="lg" color="teal">
            {t('dashboard.moved', { count: (op.byStatus.completed ?? 0) + (op.byStatus.received ?? 0) })}
          </Badge>
          <Badge size="lg" color="orange">
            {t('dashboard.inTransit', { count: (op.byStatus.departed ?? 0) + (op.byStatus.arrived ?? 0) })}
          </Badge>
          <Badge size="lg" color={op.discrepancies ? 'red' : 'gray'}>
            {t('dashboard.discrepancies', { count: op.discrepancies })}
          </Badge>
        </Group>
      )}
      {movements.data && (
        <Table.ScrollContainer minWidth={600}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('movement.code')}</Table.Th>
                <Table.Th>{t('movement.status')}</Table.Th>
                <Table.Th>{t('movement.persons')}</Table.Th>
                <Table.Th>{t('movement.count')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {movements.data.map((m) => (
                <Table.Tr key={m.id} onClick={() => setMovementId(m.id)} style={{ cursor: 'pointer' }}>
                  <Table.Td>{m.code}</Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLOR[m.status] ?? 'gray'}>{t(`movementStatus.${m.status}`)}</Badge>
                  </Table.Td>
                  <Table.Td>{t('movement.ofCapacity', { total: m.total, capacity: m.effectiveCapacity })}</Table.Td>
                  <Table.Td>{m.countOn === null ? '—' : t('movement.onOff', { on: m.countOn, off: m.countOff ?? '—' })}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {movementId && <MovementPanel id={movementId} />}
    </Stack>
  );
}

function MovementPanel({ id }: { id: string }) {
  const { t } = useTranslation('transfers');
  const qc = useQueryClient();
  const manifest = useQuery({ queryKey: ['transfers', 'movement', id], queryFn: () => api<Manifest>(`/transfers/movements/${id}?limit=500`) });
  const [personId, setPersonId] = useState('');
  const [verificationId, setVerificationId] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const act = useMutation({
    mutationFn: ({ path, body }: { path: string; body: unknown }) => api(`/transfers/movements/${id}/${path}`, { method: 'POST', body }),
    onSuccess: () => {
      setError(null);
      void qc.invalidateQueries({ queryKey: ['transfers'] });
    },
    onError: (e: Error) => setError(errorText(e)),
  });
  const m = manifest.data?.movement;
  if (!m) return null;
  const departed = manifest.data!.moves.filter((x) => x.status === 'departed').map((x) => x.personId);
  return (
    <Stack>
      <Title order={3}>{t('movement.title', { code: m.code })}</Title>
      {error && <Text c="red">{error}</Text>}
      {m.missing.length + m.extra.length > 0 && <Text c="red">{t('movement.discrepancy', { missing: m.missing.length, extra: m.extra.length })}</Text>}
      <Group>
        {m.status === 'planned' && <Button onClick={() => act.mutate({ path: 'approve', body: {} })}>{t('actions.approve')}</Button>}
        {m.status === 'approved' && <Button onClick={() => act.mutate({ path: 'depart', body: {} })}>{t('actions.depart')}</Button>}
        {m.status === 'departed' && <Button onClick={() => act.mutate({ path: 'arrive', body: { identified: departed } })}>{t('actions.arriveAll')}</Button>}
        {m.status === 'arrived' && <Button onClick={() => act.mutate({ path: 'receipt', body: { manifestHash: m.manifestHash } })}>{t('actions.sign')}</Button>}
        {['departed', 'arrived', 'disputed', 'received'].includes(m.status) && (
          <Button component="a" variant="light" href={`/transfers/movements/${id}/arrival`}>
            {t('transfersarrival:open')}
          </Button>
        )}
        <Button component="a" variant="light" href={`/transfers/movements/${id}/print`}>
          {t('transfersarrival:print')}
        </Button>
        <Button component="a" variant="light" href={`/api/v1/transfers/movements/${id}/handover?format=csv`}>
          {t('actions.csv')}
        </Button>
        <Button component="a" variant="light" href={`/api/v1/transfers/movements/${id}/handover`}>
          {t('actions.json')}
        </Button>
      </Group>
      {m.status === 'approved' && (
        <Group align="end">
          <TextInput label={t('board.person')} value={personId} onChange={(e) => setPersonId(e.currentTarget.value)} />
          <TextInput label={t('board.verification')} value={verificationId} onChange={(e) => setVerificationId(e.currentTarget.value)} />
          <TextInput label={t('board.overrideReason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
          <Button onClick={() => act.mutate({ path: 'board', body: verificationId ? { personId, verificationId } : { personId, override: { reason } } })}>
            {t('actions.board')}
          </Button>
        </Group>
      )}
      <Text>{t('manifest.total', { count: manifest.data!.total })}</Text>
      <Table.ScrollContainer minWidth={500}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('manifest.name')}</Table.Th>
              <Table.Th>{t('manifest.status')}</Table.Th>
              <Table.Th>{t('manifest.check')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {manifest.data!.moves.map((x) => (
              <Table.Tr key={x.personId}>
                <Table.Td>{x.name ?? x.personId}</Table.Td>
                <Table.Td>{t(`moveStatus.${x.status}`)}</Table.Td>
                <Table.Td>{x.overrideReason ? t('manifest.override', { reason: x.overrideReason }) : x.verificationId ? t('manifest.verified') : '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
