import { useMemo, useState } from 'react';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { Alert as MAlert, Badge, Button, Grid, Group, Paper, ScrollArea, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { api, apiPage, type CustodyEvent, type FacilityDetail, type StatusReport, type Unit } from '../lib/api';
import { eventLabel, num, shortHash, shortTime, statusLabel } from '../lib/format';
import { useRouter } from '../lib/router';
import { useSession } from '../lib/session';
import { StatCard } from '../components/StatCard';
import { ErrorNote } from '../components/Problems';
import { Link } from '../components/Link';
import { lastRowByUnit, useDeltaHistory, useFacilityFigures, useRollcalls } from '../features/rollcalls/rollcalls.api';
import { alertTitle } from '../features/alerts/alerts.text';
import { FacilitySettingsLink } from '../features/admin/AdminLinks';
import { useTranslation } from 'react-i18next';

/** Units in tree order (parents before their children) with their depth. */
function unitTree(units: Unit[]): { unit: Unit; depth: number }[] {
  const children = new Map<string | null, Unit[]>();
  for (const u of units) {
    const key = u.parentUnitId && units.some((p) => p.id === u.parentUnitId) ? u.parentUnitId : null;
    children.set(key, [...(children.get(key) ?? []), u]);
  }
  const out: { unit: Unit; depth: number }[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const u of (children.get(parent) ?? []).sort((a, b) => a.code.localeCompare(b.code, undefined, { numeric: true }))) {
      out.push({ unit: u, depth });
      walk(u.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/** Custody events per page of the facility's feed. */
const EVENTS_PAGE = 50;

export default function FacilityPage({ id }: { id: string }) {
  const { t } = useTranslation('facilities');
  const session = useSession();
  const { navigate } = useRouter();
  const facility = useQuery({ queryKey: ['facility', id], queryFn: () => api<FacilityDetail>(`/facilities/${id}`) });
  const [eventPage, setEventPage] = useState(0);
  const eventFeed = useQuery({
    queryKey: ['facility', id, 'events', eventPage],
    queryFn: () => apiPage<CustodyEvent>(`/facilities/${id}/events?limit=${EVENTS_PAGE}&offset=${eventPage * EVENTS_PAGE}`),
    placeholderData: keepPreviousData,
    // The facility's event feed is not narrowed by nationality: not shown to a nationality-scoped user.
    enabled: session.can('custody.read') && session.nationalities.length === 0,
  });
  const events = { ...eventFeed, data: eventFeed.data?.rows };
  const eventTotal = eventFeed.data?.total ?? 0;
  const openList = useRollcalls({ facilityId: id, status: 'open', limit: 10 });
  // Roll-call figures cover whole units: not for a user narrowed to some nationalities.
  const history = useDeltaHistory({ facilityId: id, limit: 2000, enabled: session.nationalities.length === 0 });
  const perUnit = useMemo(() => lastRowByUnit(history.data ?? []), [history.data]);
  // The facility's Delta: the latest count of each unit, summed (a block roll call changes only its block's part).
  const figures = useFacilityFigures({ facilityId: id, enabled: session.nationalities.length === 0 });
  const lastFull = figures.data?.get(id)?.latest;
  const openRollcalls = openList.data ?? [];
  const [selected, setSelected] = useState<string[]>([]);
  // A user narrowed to some nationalities sees counts of those nationals only (from the status report).
  const scoped = session.nationalities.length > 0;
  const report = useQuery({
    queryKey: ['reports', 'status'],
    queryFn: () => api<StatusReport>('/reports/status'),
    enabled: scoped && session.can('reports.read'),
  });
  const nationals = report.data?.facilities.find((x) => x.id === id);

  const start = useMutation({
    mutationFn: (unitIds: string[]) =>
      api<{ id: string }>('/rollcalls', { method: 'POST', body: { facilityId: id, unitIds: unitIds.length ? unitIds : undefined } }),
    onSuccess: (rc) => navigate(`/rollcalls/${rc.id}`),
  });

  if (facility.error) return <ErrorNote error={facility.error} what={t('what.facility')} />;
  const f = facility.data;
  if (!f) return <Text>{t('loading')}</Text>;
  const units = unitTree(f.units);
  // A phase's count is its blocks' counts (persons are placed in the blocks).
  const totalOf = (u: Unit): number => u.manifestCount + f.units.filter((c) => c.parentUnitId === u.id).reduce((s, c) => s + totalOf(c), 0);
  const hasChildren = (u: Unit) => f.units.some((c) => c.parentUnitId === u.id);
  const unitName = new Map(f.units.map((u) => [u.id, u.code]));
  const canRun = session.can('rollcall.run');

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            {f.name}
          </Title>
          <Text c="dimmed" size="sm">
            {f.code} · {t(`kinds.${f.kind}`, { defaultValue: f.kind })}
            {f.capacity ? ` · ${t('capacityOf', { n: num(f.capacity) })}` : ''}
            {f.location ? ` · ${f.location.latitude.toFixed(3)}, ${f.location.longitude.toFixed(3)}` : ''}
          </Text>
          <FacilitySettingsLink facilityId={f.id} />
        </div>
        {canRun && (
          <Group>
            {openRollcalls.map((r) => (
              <Button key={r.id} variant="light" onClick={() => navigate(`/rollcalls/${r.id}`)}>
                {t('continueRollcall', { time: shortTime(r.openedAt) })}
              </Button>
            ))}
            <Button size="md" onClick={() => start.mutate(selected)} loading={start.isPending} data-testid="start-rollcall">
              {selected.length ? t('rollcallOfUnits', { count: selected.length, n: num(selected.length) }) : t('rollcallOfFacility')}
            </Button>
          </Group>
        )}
      </Group>
      <ErrorNote error={start.error} what={t('what.rollcall')} />

      {scoped ? (
        <>
          <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm">
            <StatCard
              label={t('nationalsOnRoll', { list: session.nationalities.join(', ') })}
              value={nationals ? num(nationals.onRoll) : '…'}
              testId="facility-manifest"
            />
            <StatCard label={statusLabel('in_custody')} value={nationals ? num(nationals.byStatus.in_custody) : '…'} />
            <StatCard label={statusLabel('temporarily_out')} value={nationals ? num(nationals.byStatus.temporarily_out) : '…'} />
            <StatCard label={statusLabel('unaccounted')} value={nationals ? num(nationals.byStatus.unaccounted) : '…'} />
            <StatCard label={statusLabel('escaped')} value={nationals ? num(nationals.byStatus.escaped) : '…'} />
          </SimpleGrid>
          <Text size="sm" c="dimmed">
            {t('nationalsNote', { list: session.nationalities.join(', ') })}
          </Text>
        </>
      ) : (
        <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm">
          <StatCard label={t('manifest')} value={num(f.manifestCount)} testId="facility-manifest" />
          <StatCard label={statusLabel('in_custody')} value={num(f.roll.inCustody)} />
          <StatCard label={statusLabel('temporarily_out')} value={num(f.roll.temporarilyOut)} />
          <StatCard label={statusLabel('unaccounted')} value={num(f.roll.unaccounted)} color={f.roll.unaccounted ? 'orange.8' : undefined} />
          <StatCard label={statusLabel('escaped')} value={num(f.roll.escaped)} color={f.roll.escaped ? 'red.8' : undefined} />
          <StatCard
            label={t('deltaLatest')}
            value={lastFull ? num(lastFull.delta) : '–'}
            hint={
              lastFull
                ? `${t('expectedOldest', { n: num(lastFull.expected), time: shortTime(lastFull.oldestCountAt) })}${lastFull.oldestCountAt !== lastFull.at ? t('latestAt', { time: shortTime(lastFull.at) }) : ''}`
                : t('noneClosed')
            }
            color={lastFull && lastFull.delta > 0 ? 'red.8' : undefined}
            testId="facility-delta"
          />
        </SimpleGrid>
      )}

      {f.openAlerts.length > 0 && (
        <MAlert color="red" title={t('openAlerts', { count: f.openAlerts.length, n: num(f.openAlerts.length) })}>
          <Stack gap={2}>
            {f.openAlerts.slice(0, 3).map((a) => (
              <Text key={a.id} size="sm" lineClamp={1} title={alertTitle(a)}>
                {alertTitle(a)}
              </Text>
            ))}
            {f.openAlerts.length > 3 && <Text size="sm">{t('andMore', { n: num(f.openAlerts.length - 3) })}</Text>}
            {session.can('alerts.read') && <Link to="/alerts">{t('openInbox')}</Link>}
          </Stack>
        </MAlert>
      )}

      <Grid gap="md">
        {!scoped && (
          <Grid.Col span={{ base: 12, lg: 6 }}>
            <Paper withBorder p="sm" radius="md">
              <Title order={2} size="h4" mb="xs">
                {t('units')}
              </Title>
              {canRun && (
                <Text size="xs" c="dimmed" mb="xs">
                  {t('tickUnits')}
                </Text>
              )}
              <ScrollArea.Autosize mah={640} type="auto">
                <Table verticalSpacing={8} data-testid="units-table" striped stickyHeader>
                  <Table.Thead>
                    <Table.Tr>
                      {canRun && <Table.Th w={40} aria-label={t('select')} />}
                      <Table.Th>{t('unit')}</Table.Th>
                      <Table.Th ta="end">{t('manifest')}</Table.Th>
                      <Table.Th>{t('lastRollcall')}</Table.Th>
                      <Table.Th ta="end">{t('delta')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {units.map(({ unit: u, depth }) => {
                      const last = perUnit.get(u.id);
                      return (
                        <Table.Tr key={u.id} data-testid={`unit-${u.code}`}>
                          {canRun && (
                            <Table.Td>
                              <input
                                type="checkbox"
                                style={{ width: 22, height: 22 }}
                                aria-label={t('selectUnit', { name: u.name })}
                                checked={selected.includes(u.id)}
                                onChange={(e) => setSelected((s) => (e.currentTarget.checked ? [...s, u.id] : s.filter((x) => x !== u.id)))}
                              />
                            </Table.Td>
                          )}
                          <Table.Td style={{ paddingInlineStart: 10 + depth * 18 }}>
                            <Text size="sm" fw={hasChildren(u) ? 700 : 500}>
                              {u.code}
                            </Text>
                            <Text size="xs" c="dimmed">
                              {u.name}
                            </Text>
                          </Table.Td>
                          <Table.Td ta="end" className="num" data-testid="manifest" fw={hasChildren(u) ? 700 : undefined}>
                            {session.can('persons.read') && u.manifestCount > 0 ? (
                              // Who is in the block now: the persons list narrowed to the unit, with its total and export.
                              <Link to={`/persons?facilityId=${id}&unitId=${u.id}&status=on_roll`} aria-label={t('manifestOf', { code: u.code })}>
                                {num(totalOf(u))}
                              </Link>
                            ) : (
                              num(totalOf(u))
                            )}
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm">{last ? shortTime(last.closedAt) : '–'}</Text>
                            {last && (
                              <Text size="xs" c="dimmed">
                                {t('presentOf', { present: num(last.present), expected: num(last.expected) })}
                              </Text>
                            )}
                          </Table.Td>
                          <Table.Td ta="end" className="num" data-testid="delta">
                            {last ? (
                              <Badge color={last.delta > 0 ? 'red' : 'teal'} variant={last.delta > 0 ? 'filled' : 'light'}>
                                {num(last.delta)}
                              </Badge>
                            ) : (
                              '–'
                            )}
                          </Table.Td>
                        </Table.Tr>
                      );
                    })}
                    {units.length === 0 && (
                      <Table.Tr>
                        <Table.Td colSpan={5}>
                          <Text c="dimmed" size="sm">
                            {t('noUnits')}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                    )}
                  </Table.Tbody>
                </Table>
              </ScrollArea.Autosize>
            </Paper>
          </Grid.Col>
        )}
        {!scoped && (
          <Grid.Col span={{ base: 12, lg: 6 }}>
            <Paper withBorder p="sm" radius="md">
              <Group justify="space-between" mb="xs" gap="xs">
                <Title order={2} size="h4">
                  {t('latestEvents')}
                </Title>
                {eventTotal > 0 && (
                  <Group gap="xs">
                    <Text size="sm" data-testid="facility-events-count">
                      {t('range', {
                        from: num(eventPage * EVENTS_PAGE + 1),
                        to: num(eventPage * EVENTS_PAGE + (events.data?.length ?? 0)),
                        total: num(eventTotal),
                      })}
                    </Text>
                    <Button
                      size="xs"
                      variant="default"
                      disabled={eventPage === 0}
                      onClick={() => setEventPage((p) => Math.max(0, p - 1))}
                      data-testid="facility-events-newer"
                    >
                      {t('newer')}
                    </Button>
                    <Button
                      size="xs"
                      variant="default"
                      disabled={(eventPage + 1) * EVENTS_PAGE >= eventTotal}
                      onClick={() => setEventPage((p) => p + 1)}
                      data-testid="facility-events-older"
                    >
                      {t('older')}
                    </Button>
                  </Group>
                )}
              </Group>
              {!session.can('custody.read') ? (
                <Text c="dimmed" size="sm">
                  {t('noCustodyRole')}
                </Text>
              ) : (
                <>
                  <ErrorNote error={events.error} what={t('what.events')} />
                  <ScrollArea.Autosize mah={560} type="auto">
                    <Table verticalSpacing={6} data-testid="facility-events">
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th>{t('when')}</Table.Th>
                          <Table.Th>{t('event')}</Table.Th>
                          <Table.Th>{t('where')}</Table.Th>
                          <Table.Th>{t('seq')}</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {(events.data ?? []).map((e) => (
                          <Table.Tr key={e.id}>
                            <Table.Td>
                              <Text size="sm">{shortTime(e.occurredAt)}</Text>
                            </Table.Td>
                            <Table.Td>
                              {session.can('persons.read') ? <Link to={`/persons/${e.personId}`}>{eventLabel(e.type)}</Link> : eventLabel(e.type)}
                              {e.reason && (
                                <Text size="xs" c="dimmed">
                                  {e.reason}
                                </Text>
                              )}
                            </Table.Td>
                            <Table.Td>
                              <Text size="sm">
                                {e.fromUnitId && e.fromFacilityId === id ? (unitName.get(e.fromUnitId) ?? '') : ''}
                                {e.fromUnitId && e.toUnitId ? ` ${t('common:arrow')} ` : ''}
                                {e.toUnitId && e.toFacilityId === id ? (unitName.get(e.toUnitId) ?? '') : ''}
                              </Text>
                            </Table.Td>
                            <Table.Td>
                              <Text size="xs" className="mono" title={e.hash}>
                                {e.siteId}#{e.seq} {shortHash(e.hash).slice(0, 8)}
                              </Text>
                            </Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </ScrollArea.Autosize>
                </>
              )}
            </Paper>
          </Grid.Col>
        )}
      </Grid>
    </Stack>
  );
}
