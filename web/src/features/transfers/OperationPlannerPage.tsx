// The operation planner (issue 18 point 7): the operation's movements (flights: carrier, tail number, capacity,
// escorts, times), the criteria and constraints of a plan, the proposed manifests with their capacity, the persons the
// planner could not place and why, and the approval of each manifest.
import {
  Badge,
  Button,
  Group,
  NumberInput,
  Pagination,
  Paper,
  Progress,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { Link } from '../../components/Link';
import { PageHeader } from '../../components/PageHeader';
import { api } from '../../lib/api';
import { dateTime, num } from '../../lib/format';
import { useFacilities, facilityOptions } from '../../lib/queries';
import { movementAction, type Movement, type Operation, type PlanResult, useFacilityCodes, useMovements, useOperations } from './transfersplan.api';

const UNPLACED_PAGE = 50;

/** Lines of ids separated by commas or spaces: one group per line (persons who travel together, or apart). */
function groups(text: string): string[][] {
  return text
    .split('\n')
    .map((line) => line.split(/[\s,;]+/).filter(Boolean))
    .filter((g) => g.length > 0);
}

export default function OperationPlannerPage() {
  const { t } = useTranslation('transfersplan');
  const qc = useQueryClient();
  const ops = useOperations();
  const [chosen, setChosen] = useState<string | null>(null);
  const operationId = chosen ?? ops.data?.rows[0]?.id ?? null;
  const movements = useMovements(operationId);
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => api<Operation>('/transfers/operations', { method: 'POST', body: { name } }),
    onSuccess: (op) => {
      setChosen(op.id);
      setName('');
      void qc.invalidateQueries({ queryKey: ['transfers'] });
    },
  });
  return (
    <Stack gap="md">
      <PageHeader
        title={t('planner.title')}
        description={t('planner.description')}
        actions={
          <Group>
            <Link to="/transfers/dashboard">{t('links.dashboard')}</Link>
            <Link to="/transfers">{t('links.transfers')}</Link>
          </Group>
        }
      />
      <Group align="end">
        <Select
          label={t('planner.operation', { count: ops.data?.total ?? 0 })}
          data={(ops.data?.rows ?? []).map((o) => ({ value: o.id, label: o.name }))}
          value={operationId}
          onChange={setChosen}
          w={360}
          data-testid="plan-operation"
        />
        <TextInput
          label={t('planner.newOperation')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          maxLength={200}
          data-testid="plan-new-name"
        />
        <Button onClick={() => create.mutate()} disabled={!name.trim()} loading={create.isPending} data-testid="plan-new">
          {t('planner.create')}
        </Button>
      </Group>
      <ApiErrorAlert error={create.error} title={t('notDone')} />
      {operationId && (
        <>
          <MovementForm operationId={operationId} />
          <MovementsTable movements={movements.data ?? []} />
          <PlanForm operationId={operationId} movements={movements.data ?? []} />
        </>
      )}
    </Stack>
  );
}

function MovementForm({ operationId }: { operationId: string }) {
  const { t } = useTranslation('transfersplan');
  const qc = useQueryClient();
  const facilities = useFacilities();
  const options = facilityOptions(facilities.data);
  const [v, setV] = useState({
    code: '',
    carrier: '',
    vehicle: '',
    capacity: 100 as number | string,
    escorts: 20 as number | string,
    ratio: '' as number | string,
  });
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [departs, setDeparts] = useState('');
  const [arrives, setArrives] = useState('');
  const add = useMutation({
    mutationFn: () =>
      api<Movement>(`/transfers/operations/${operationId}/movements`, {
        method: 'POST',
        body: {
          code: v.code,
          kind: 'flight',
          carrier: v.carrier.trim() || undefined,
          vehicle: v.vehicle.trim() || undefined,
          capacity: Number(v.capacity),
          escorts: Number(v.escorts),
          escortRatio: v.ratio === '' ? undefined : Number(v.ratio),
          fromFacilityId: from,
          toFacilityId: to,
          departsAt: departs ? new Date(departs).toISOString() : undefined,
          arrivesAt: arrives ? new Date(arrives).toISOString() : undefined,
        },
      }),
    onSuccess: () => {
      setV((x) => ({ ...x, code: '' }));
      void qc.invalidateQueries({ queryKey: ['transfers'] });
    },
  });
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} size="h4" mb="sm">
        {t('movementForm.title')}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput
          label={t('movementForm.code')}
          value={v.code}
          onChange={(e) => setV({ ...v, code: e.currentTarget.value })}
          maxLength={40}
          data-testid="mv-code"
        />
        <TextInput label={t('movementForm.carrier')} value={v.carrier} onChange={(e) => setV({ ...v, carrier: e.currentTarget.value })} maxLength={120} />
        <TextInput label={t('movementForm.tail')} value={v.vehicle} onChange={(e) => setV({ ...v, vehicle: e.currentTarget.value })} maxLength={60} />
        <NumberInput
          label={t('movementForm.capacity')}
          value={v.capacity}
          onChange={(x) => setV({ ...v, capacity: x })}
          min={1}
          max={2000}
          data-testid="mv-capacity"
        />
        <NumberInput
          label={t('movementForm.escorts')}
          value={v.escorts}
          onChange={(x) => setV({ ...v, escorts: x })}
          min={0}
          max={500}
          data-testid="mv-escorts"
        />
        <NumberInput label={t('movementForm.ratio')} value={v.ratio} onChange={(x) => setV({ ...v, ratio: x })} min={1} max={100} />
        <Select label={t('movementForm.from')} data={options} value={from} onChange={setFrom} searchable data-testid="mv-from" />
        <Select label={t('movementForm.to')} data={options} value={to} onChange={setTo} searchable data-testid="mv-to" />
        <Group grow>
          <TextInput type="datetime-local" label={t('movementForm.departs')} value={departs} onChange={(e) => setDeparts(e.currentTarget.value)} />
          <TextInput type="datetime-local" label={t('movementForm.arrives')} value={arrives} onChange={(e) => setArrives(e.currentTarget.value)} />
        </Group>
      </SimpleGrid>
      <Group justify="flex-end" mt="sm">
        <Button onClick={() => add.mutate()} disabled={!v.code.trim() || !from || !to} loading={add.isPending} data-testid="mv-add">
          {t('movementForm.add')}
        </Button>
      </Group>
      <ApiErrorAlert error={add.error} title={t('notDone')} />
    </Paper>
  );
}

function CapacityBar({ total, capacity }: { total: number; capacity: number }) {
  const { t } = useTranslation('transfersplan');
  const pct = capacity > 0 ? Math.min(100, (100 * total) / capacity) : 0;
  return (
    <Stack gap={2} miw={120}>
      <Progress value={pct} color={total > capacity ? 'red' : pct >= 100 ? 'orange' : 'teal'} aria-label={t('capacity', { total, capacity })} />
      <Text size="xs">{t('capacity', { total: num(total), capacity: num(capacity) })}</Text>
    </Stack>
  );
}

function MovementsTable({ movements }: { movements: Movement[] }) {
  const { t } = useTranslation('transfersplan');
  const qc = useQueryClient();
  const codes = useFacilityCodes();
  const approve = useMutation({
    mutationFn: (id: string) => movementAction(id, 'approve', {}),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['transfers'] }),
  });
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        {t('movements.title', { count: movements.length })}
      </Title>
      <ApiErrorAlert error={approve.error} title={t('notDone')} />
      <Table.ScrollContainer minWidth={760}>
        <Table striped data-testid="plan-movements">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('movements.code')}</Table.Th>
              <Table.Th>{t('movements.flight')}</Table.Th>
              <Table.Th>{t('movements.route')}</Table.Th>
              <Table.Th>{t('movements.times')}</Table.Th>
              <Table.Th>{t('movements.manifest')}</Table.Th>
              <Table.Th>{t('movements.state')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {movements.map((m) => (
              <Table.Tr key={m.id} data-testid={`plan-movement-${m.code}`}>
                <Table.Td>{m.code}</Table.Td>
                <Table.Td>
                  <Text size="sm">{[m.carrier, m.vehicle].filter(Boolean).join(' · ') || '–'}</Text>
                  <Text size="xs" c="dimmed">
                    {t('movements.escorts', { count: m.escorts, ratio: m.escortRatio ?? '–' })}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {codes.get(m.fromFacilityId) ?? '…'} → {codes.get(m.toFacilityId) ?? '…'}
                </Table.Td>
                <Table.Td>
                  <Text size="xs">{dateTime(m.departsAt as string | null)}</Text>
                  <Text size="xs">{dateTime(m.arrivesAt as string | null)}</Text>
                </Table.Td>
                <Table.Td>
                  <CapacityBar total={m.total - (m.byStatus.cancelled ?? 0)} capacity={m.effectiveCapacity} />
                </Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    <Badge variant="light">{t(`state.${m.status}`, { defaultValue: m.status })}</Badge>
                    {m.status === 'planned' && m.total > 0 && (
                      <Button
                        size="xs"
                        onClick={() => approve.mutate(m.id)}
                        loading={approve.isPending && approve.variables === m.id}
                        data-testid={`approve-${m.code}`}
                      >
                        {t('movements.approve')}
                      </Button>
                    )}
                    {m.status === 'approved' && (
                      <Link to={`/transfers/board/${m.id}`} data-testid={`board-link-${m.code}`}>
                        {t('movements.board')}
                      </Link>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Text size="xs" c="dimmed">
        {t('movements.afterApproval')}
      </Text>
    </Stack>
  );
}

function PlanForm({ operationId, movements }: { operationId: string; movements: Movement[] }) {
  const { t } = useTranslation('transfersplan');
  const qc = useQueryClient();
  const facilities = useFacilities();
  const departures = [...new Set(movements.filter((m) => m.status === 'planned').map((m) => m.fromFacilityId))];
  const [facilityId, setFacilityId] = useState<string | null>(null);
  const [nationality, setNationality] = useState('');
  const [ratio, setRatio] = useState<number | string>('');
  const [together, setTogether] = useState('');
  const [apart, setApart] = useState('');
  const [ids, setIds] = useState('');
  const [page, setPage] = useState(1);
  const propose = useMutation({
    mutationFn: () =>
      api<PlanResult>(`/transfers/operations/${operationId}/plan`, {
        method: 'POST',
        body: {
          criteria: {
            facilityId: facilityId ?? undefined,
            nationality: nationality.trim() || undefined,
            personIds: ids.trim() ? groups(ids).flat() : undefined,
          },
          constraints: { escortRatio: ratio === '' ? null : Number(ratio), together: groups(together), apart: groups(apart) },
        },
      }),
    onSuccess: () => {
      setPage(1);
      void qc.invalidateQueries({ queryKey: ['transfers'] });
    },
  });
  const r = propose.data;
  // the plan's answer carries the first unplaced; the pages past them come from the server (every one is reachable)
  const local = !!r && (r.unplaced.length === r.unplacedTotal || page * UNPLACED_PAGE <= r.unplaced.length);
  const remote = useQuery({
    queryKey: ['transfers', 'unplaced', r?.planId, page],
    queryFn: () =>
      api<PlanResult['unplaced']>(
        `/transfers/operations/${operationId}/plans/${r!.planId}/unplaced?limit=${UNPLACED_PAGE}&offset=${(page - 1) * UNPLACED_PAGE}`,
      ),
    enabled: !!r && !local,
    placeholderData: keepPreviousData,
  });
  const shown = r ? (local ? r.unplaced.slice((page - 1) * UNPLACED_PAGE, page * UNPLACED_PAGE) : (remote.data ?? [])) : [];
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} size="h4" mb="sm">
        {t('plan.title')}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Select
          label={t('plan.facility')}
          data={facilityOptions(facilities.data?.filter((f) => departures.includes(f.id)))}
          value={facilityId}
          onChange={setFacilityId}
          placeholder={t('plan.anyPlanned')}
          clearable
        />
        <TextInput label={t('plan.nationality')} value={nationality} onChange={(e) => setNationality(e.currentTarget.value)} maxLength={3} placeholder="IRQ" />
        <NumberInput label={t('plan.ratio')} value={ratio} onChange={setRatio} min={1} max={100} />
        <Textarea
          label={t('plan.ids')}
          description={t('plan.idsHint')}
          value={ids}
          onChange={(e) => setIds(e.currentTarget.value)}
          autosize
          minRows={2}
          maxRows={6}
        />
        <Textarea
          label={t('plan.together')}
          description={t('plan.groupsHint')}
          value={together}
          onChange={(e) => setTogether(e.currentTarget.value)}
          autosize
          minRows={2}
          maxRows={6}
        />
        <Textarea
          label={t('plan.apart')}
          description={t('plan.groupsHint')}
          value={apart}
          onChange={(e) => setApart(e.currentTarget.value)}
          autosize
          minRows={2}
          maxRows={6}
        />
      </SimpleGrid>
      <Group justify="flex-end" mt="sm">
        <Button onClick={() => propose.mutate()} loading={propose.isPending} disabled={departures.length === 0} data-testid="plan-propose">
          {t('plan.propose')}
        </Button>
      </Group>
      <ApiErrorAlert error={propose.error} title={t('notDone')} />
      {r && (
        <Stack gap="sm" mt="md" data-testid="plan-result">
          <Text fw={600} data-testid="plan-placed">
            {t('plan.placed', { count: r.placed })}
          </Text>
          <Table.ScrollContainer minWidth={480}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('movements.code')}</Table.Th>
                  <Table.Th>{t('plan.added')}</Table.Th>
                  <Table.Th>{t('movements.manifest')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {r.manifests.map((m) => (
                  <Table.Tr key={m.movementId}>
                    <Table.Td>{m.code}</Table.Td>
                    <Table.Td>{num(m.added)}</Table.Td>
                    <Table.Td>
                      <CapacityBar total={m.total} capacity={m.capacity} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Title order={3} size="h5" data-testid="plan-unplaced-count">
            {t('plan.unplaced', { count: r.unplacedTotal })}
          </Title>
          <ApiErrorAlert error={remote.error} title={t('notDone')} />
          {shown.length > 0 && (
            <Table.ScrollContainer minWidth={480}>
              <Table data-testid="plan-unplaced">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('plan.person')}</Table.Th>
                    <Table.Th>{t('plan.reason')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {shown.map((u) => (
                    <Table.Tr key={u.personId}>
                      <Table.Td>
                        <Link to={`/persons/${u.personId}`}>{u.personId.slice(0, 8)}</Link>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{t(`reason.${u.reason}`, { defaultValue: u.reason })}</Text>
                        <Text size="xs" c="dimmed">
                          {u.detail}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          {r.unplacedTotal > UNPLACED_PAGE && (
            <Pagination total={Math.ceil(r.unplacedTotal / UNPLACED_PAGE)} value={page} onChange={setPage} size="sm" data-testid="plan-unplaced-pages" />
          )}
        </Stack>
      )}
    </Paper>
  );
}
