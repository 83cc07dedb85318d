// The operation's dashboard (issue 18 point 7): flights done, persons moved, discrepancies and their resolution, and
// each movement's state. Every figure is the API's (GET /transfers/operations/:id, its movements and its
// discrepancies), not a count kept here.
import { Badge, Group, Paper, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { Link } from '../../components/Link';
import { PageHeader } from '../../components/PageHeader';
import { num } from '../../lib/format';
import { operationDiscrepancies } from './arrival.api';
import { DiscrepancyPanel } from './DiscrepancyPanel';
import { FLOWN, useFacilityCodes, useMovements, useOperations } from './transfersplan.api';

const STATE_COLOR: Record<string, string> = { planned: 'gray', approved: 'blue', departed: 'orange', arrived: 'yellow', received: 'teal', disputed: 'red' };

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
      {/* both queries answered, so no figure shows a count of a list not yet loaded */}
      {op && movements.data && (
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
      {operationId && <Discrepancies operationId={operationId} />}
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

/** Each movement of the operation with a discrepancy, open or resolved, and the form to resolve what is open. */
function Discrepancies({ operationId }: { operationId: string }) {
  const { t } = useTranslation('transfersplan');
  const q = useQuery({
    queryKey: ['transfers', 'discrepancies', 'operation', operationId],
    queryFn: () => operationDiscrepancies(operationId),
    refetchInterval: 10_000,
  });
  if (q.error) return <ApiErrorAlert error={q.error} title={t('notDone')} />;
  if (!q.data || q.data.movements.length === 0) return null;
  return (
    <Stack gap="xs" data-testid="dash-discrepancy-list" data-open={q.data.open} data-resolved={q.data.resolved}>
      <Title order={2} size="h4">
        {t('discrepancy.title', { count: q.data.movements.length })}
      </Title>
      {q.data.movements.map((d) => (
        <div key={d.movement.id} data-testid={`dash-discrepancy-${d.movement.code}`} data-open={d.missing.length + d.extra.length}>
          <DiscrepancyPanel data={d} />
        </div>
      ))}
    </Stack>
  );
}
