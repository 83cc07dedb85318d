// The operation's dashboard (issue 18 point 7): flights done, persons moved, discrepancies and their resolution, and
// each movement's state. Every figure is the API's (GET /transfers/operations/:id and its movements), not a count
// kept here.
import { Alert as Note, Badge, Button, Group, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { Link } from '../../components/Link';
import { PageHeader } from '../../components/PageHeader';
import { api } from '../../lib/api';
import { num } from '../../lib/format';
import { useSession } from '../../lib/session';
import { FLOWN, type Manifest, type Movement, movementAction, useFacilityCodes, useMovements, useOperations } from './transfersplan.api';

const STATE_COLOR: Record<string, string> = { planned: 'gray', approved: 'blue', departed: 'orange', arrived: 'yellow', received: 'teal', disputed: 'red' };

/** A movement whose count off differed from its count on (open or since resolved). */
const hadDiscrepancy = (m: Movement) => m.countOff !== null && (m.countOff !== m.countOn || m.missing.length + m.extra.length > 0);

function Figure({ label, value, testId, color }: { label: string; value: number; testId: string; color?: string }) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl" c={color} data-testid={testId} data-value={value}>
        {num(value)}
      </Text>
    </Paper>
  );
}

export default function OperationDashboardPage() {
  const { t } = useTranslation('transfersplan');
  const ops = useOperations();
  const [chosen, setChosen] = useState<string | null>(null);
  const operationId = chosen ?? ops.data?.rows[0]?.id ?? null;
  const op = ops.data?.rows.find((o) => o.id === operationId);
  const movements = useMovements(operationId, true);
  const codes = useFacilityCodes();
  const list = movements.data ?? [];
  const flown = list.filter((m) => FLOWN.includes(m.status)).length;
  const byState: Record<string, number> = {};
  for (const m of list) byState[m.status] = (byState[m.status] ?? 0) + 1;
  return (
    <Stack gap="md">
      <PageHeader
        title={t('dashboard.title')}
        description={t('dashboard.description')}
        actions={
          <Group>
            <Link to="/transfers/plan">{t('links.planner')}</Link>
            <Link to="/transfers">{t('links.transfers')}</Link>
          </Group>
        }
      />
      <Select
        label={t('planner.operation', { count: ops.data?.total ?? 0 })}
        data={(ops.data?.rows ?? []).map((o) => ({ value: o.id, label: o.name }))}
        value={operationId}
        onChange={setChosen}
        maw={420}
        data-testid="dash-operation"
      />
      <ApiErrorAlert error={ops.error ?? movements.error} title={t('notDone')} />
      {op && (
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          <Figure label={t('dashboard.flightsDone', { total: num(op.movements) })} value={flown} testId="dash-flown" />
          <Figure label={t('dashboard.moved')} value={(op.byStatus.completed ?? 0) + (op.byStatus.received ?? 0)} testId="dash-moved" color="teal" />
          <Figure
            label={t('dashboard.inTransit')}
            value={(op.byStatus.departed ?? 0) + (op.byStatus.arrived ?? 0) + (op.byStatus.disputed ?? 0)}
            testId="dash-transit"
            color="orange"
          />
          <Figure label={t('dashboard.openDiscrepancies')} value={op.discrepancies} testId="dash-discrepancies" color={op.discrepancies ? 'red' : undefined} />
        </SimpleGrid>
      )}
      {list.length > 0 && (
        <Group gap="xs" data-testid="dash-states">
          {Object.entries(byState).map(([s, n]) => (
            <Badge key={s} color={STATE_COLOR[s] ?? 'gray'} variant="light">
              {t('dashboard.stateCount', { state: t(`state.${s}`, { defaultValue: s }), count: n })}
            </Badge>
          ))}
        </Group>
      )}
      <Discrepancies movements={list.filter(hadDiscrepancy)} />
      <Title order={2} size="h4">
        {t('movements.title', { count: list.length })}
      </Title>
      <Table.ScrollContainer minWidth={640}>
        <Table striped data-testid="dash-movements">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('movements.code')}</Table.Th>
              <Table.Th>{t('movements.route')}</Table.Th>
              <Table.Th>{t('movements.state')}</Table.Th>
              <Table.Th>{t('dashboard.onOff')}</Table.Th>
              <Table.Th>{t('dashboard.signed')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((m) => (
              <Table.Tr key={m.id}>
                <Table.Td>{m.status === 'approved' ? <Link to={`/transfers/board/${m.id}`}>{m.code}</Link> : m.code}</Table.Td>
                <Table.Td>
                  {codes.get(m.fromFacilityId) ?? '…'} → {codes.get(m.toFacilityId) ?? '…'}
                </Table.Td>
                <Table.Td>
                  <Badge color={STATE_COLOR[m.status] ?? 'gray'} variant="light">
                    {t(`state.${m.status}`, { defaultValue: m.status })}
                  </Badge>
                </Table.Td>
                <Table.Td>{m.countOn === null ? t('dashboard.onManifest', { count: m.total }) : `${num(m.countOn)} / ${num(m.countOff)}`}</Table.Td>
                <Table.Td>
                  {m.senderSigned ? '✓' : '–'} {m.receiverSigned ? '✓' : '–'}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

/** Each movement whose count differed: who was missing or extra, and how it was resolved (or the form to resolve it). */
function Discrepancies({ movements }: { movements: Movement[] }) {
  const { t } = useTranslation('transfersplan');
  const manifests = useQueries({
    queries: movements.map((m) => ({
      queryKey: ['transfers', 'movement', m.id, 2000],
      queryFn: () => api<Manifest>(`/transfers/movements/${m.id}?limit=2000`),
    })),
  });
  const names = new Map<string, { name: string | null; code: string; status: string; reason: string | null }>();
  for (const q of manifests) {
    for (const x of q.data?.moves ?? []) names.set(x.personId, { name: x.name, code: q.data!.movement.code, status: x.status, reason: x.reason });
  }
  if (movements.length === 0) return null;
  return (
    <Stack gap="xs" data-testid="dash-discrepancy-list">
      <Title order={2} size="h4">
        {t('discrepancy.title', { count: movements.length })}
      </Title>
      {movements.map((m, i) => {
        const moves = manifests[i]?.data?.moves ?? [];
        const resolved = moves.filter((x) => x.status === 'completed' && x.reason);
        return (
          <Paper key={m.id} withBorder p="sm" radius="md" data-testid={`dash-discrepancy-${m.code}`} data-open={m.missing.length + m.extra.length}>
            <Group justify="space-between">
              <Text fw={600}>{t('discrepancy.movement', { code: m.code, on: num(m.countOn), off: num(m.countOff) })}</Text>
              <Badge color={m.missing.length + m.extra.length ? 'red' : 'teal'}>
                {m.missing.length + m.extra.length ? t('discrepancy.open') : t('discrepancy.resolved')}
              </Badge>
            </Group>
            {m.missing.map((p) => (
              <Resolve key={p} movement={m} personId={p} name={names.get(p)?.name ?? null} />
            ))}
            {m.extra.map((p) => {
              const other = names.get(p);
              return (
                <Text key={p} size="sm" data-testid="dash-extra">
                  {t('discrepancy.extra', { name: other?.name ?? p })}{' '}
                  {other && other.code !== m.code && other.status === 'completed'
                    ? t('discrepancy.extraResolved', { code: other.code, reason: other.reason ?? '' })
                    : t('discrepancy.extraOpen')}
                </Text>
              );
            })}
            {resolved.map((x) => (
              <Text key={x.personId} size="sm" c="teal" data-testid="dash-resolved">
                {t('discrepancy.resolvedPerson', { name: x.name ?? x.personId, reason: x.reason })}
              </Text>
            ))}
          </Paper>
        );
      })}
    </Stack>
  );
}

function Resolve({ movement, personId, name }: { movement: Movement; personId: string; name: string | null }) {
  const { t } = useTranslation('transfersplan');
  const qc = useQueryClient();
  const session = useSession();
  const [reason, setReason] = useState('');
  const [verificationId, setVerificationId] = useState('');
  const resolve = useMutation({
    mutationFn: () => movementAction(movement.id, 'resolve', { personId, reason: reason.trim(), verificationId: verificationId.trim() || undefined }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['transfers'] }),
  });
  const can = session.can('transfers.run') && movement.receiverSigned;
  return (
    <Stack gap={4} mt="xs" data-testid="dash-missing" data-person={personId}>
      <Text size="sm" c="red">
        {t('discrepancy.missing', { name: name ?? personId })}
      </Text>
      {can && (
        <Group align="end" gap="xs">
          <TextInput
            label={t('discrepancy.reason')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            maxLength={300}
            size="xs"
            w={280}
            data-testid="dash-resolve-reason"
          />
          <TextInput
            label={t('discrepancy.verification')}
            value={verificationId}
            onChange={(e) => setVerificationId(e.currentTarget.value)}
            size="xs"
            w={200}
          />
          <Button size="xs" onClick={() => resolve.mutate()} disabled={reason.trim().length < 3} loading={resolve.isPending} data-testid="dash-resolve">
            {t('discrepancy.resolve')}
          </Button>
        </Group>
      )}
      {!movement.receiverSigned && <Note color="gray">{t('discrepancy.receiptFirst')}</Note>}
      <ApiErrorAlert error={resolve.error} title={t('notDone')} />
    </Stack>
  );
}
