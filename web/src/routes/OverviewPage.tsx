import { lazy, Suspense, useMemo, type MouseEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Anchor, Badge, Button, Grid, ScrollArea, SimpleGrid, Skeleton, Stack, Table, Text } from '@mantine/core';
import { api, bearerToken, download, type StatusReport } from '../lib/api';
import { longDate, num, shortTime, STATUS_COLOR } from '../lib/format';
import { useRouter } from '../lib/router';
import { useSession } from '../lib/session';
import { StatCard } from '../components/StatCard';
import { PageHeader } from '../components/PageHeader';
import { Panel } from '../components/Panel';
import { StatusTable } from '../components/StatusTable';
import { ErrorNote } from '../components/Problems';
import { Link } from '../components/Link';
import { useOpenAlerts } from '../features/alerts/alerts.queries';
import { useFacilityFigures, type CombinedFigures, type FacilityFigures } from '../features/rollcalls/rollcalls.api';
import type { MapFacility } from '../components/FacilityMap';

// Fetched as soon as this page's code arrives, in parallel with its data rather than after it.
const mapModule = import('../components/FacilityMap');
const chartModule = import('../components/Chart');
void import('virtual:custos-region');
const FacilityMap = lazy(() => mapModule);
const Chart = lazy(() => chartModule);

const CSV = '/api/v1/reports/status?format=csv';

/** The link downloads with the session cookie; in bearer mode the file is fetched with the header instead. */
function csvClick(e: MouseEvent) {
  if (!bearerToken()) return;
  e.preventDefault();
  void download('/reports/status?format=csv', 'custos-status.csv');
}

const PALETTE = ['#0c8599', '#e8590c', '#5f3dc4', '#2b8a3e', '#c2255c', '#1864ab', '#795548'];

export default function OverviewPage() {
  const session = useSession();
  const { navigate } = useRouter();
  const report = useQuery({ queryKey: ['reports', 'status'], queryFn: () => api<StatusReport>('/reports/status'), refetchInterval: 60_000 });
  // Roll-call figures (Delta, expected) cover whole facilities: a user narrowed to some nationalities does not get them.
  const rollcallFiguresShown = session.nationalities.length === 0;
  // Each facility's figures are the latest count of every unit, summed: a one-block roll call changes that block only.
  const history = useFacilityFigures({ enabled: rollcallFiguresShown });
  const alerts = useOpenAlerts();

  const figures = useMemo(() => history.data ?? new Map<string, FacilityFigures>(), [history.data]);
  // What the charts span: every roll call of every facility, so that a reader sees they start before the collapse.
  const chartRange = useMemo(() => {
    const points = [...figures.values()].flatMap((f) => f.series.map((p) => p.at)).sort();
    return points.length
      ? { count: new Set([...figures.values()].flatMap((f) => f.series.map((p) => p.rollcallId))).size, first: points[0]!, last: points.at(-1)! }
      : null;
  }, [figures]);
  const last = useMemo(() => {
    const m = new Map<string, CombinedFigures>();
    for (const [id, f] of figures) if (f.latest) m.set(id, f.latest);
    return m;
  }, [figures]);
  // What the curves cover, said under them: the whole timeline (a demo's starts before the collapse).
  const alertsByFacility = useMemo(() => {
    const m = new Map<string, number>();
    for (const a of alerts.data ?? []) if (a.facilityId) m.set(a.facilityId, (m.get(a.facilityId) ?? 0) + 1);
    return m;
  }, [alerts.data]);

  const mapFacilities: MapFacility[] = useMemo(
    () =>
      (report.data?.facilities ?? [])
        .filter((f) => f.location)
        .map((f) => ({
          id: f.id,
          code: f.code,
          name: f.name,
          latitude: f.location!.latitude,
          longitude: f.location!.longitude,
          population: f.onRoll,
          delta: last.get(f.id)?.delta ?? null,
          openAlerts: alertsByFacility.get(f.id) ?? 0,
        })),
    [report.data, last, alertsByFacility],
  );

  if (report.error) return <ErrorNote error={report.error} what="the status report" />;
  const r = report.data;
  const totalDelta = [...last.values()].reduce((s, x) => s + x.delta, 0);
  const oldest = [...last.values()].reduce<string | null>((o, x) => (o === null || x.oldestCountAt < o ? x.oldestCountAt : o), null);

  return (
    <Stack gap="md">
      <PageHeader
        title="Overview"
        description={
          <>
            {session.nationalities.length ? `Counts of ${session.nationalities.join(', ')} nationals only. ` : ''}
            Every number is counted from the custody ledger{r ? `, as of ${shortTime(r.generatedAt)}` : ''}.
          </>
        }
        actions={
          <Button component="a" href={CSV} download="custos-status.csv" onClick={csvClick} variant="light" data-testid="csv-export">
            Export status CSV
          </Button>
        }
      />

      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm">
        <StatCard label="On roll" value={r ? num(r.totals.onRoll) : '…'} hint={r ? `${num(r.totals.minorsOnRoll)} minors` : undefined} testId="total-onRoll" />
        <StatCard label="In custody" value={r ? num(r.totals.in_custody) : '…'} testId="total-in_custody" />
        <StatCard label="Temporarily out" value={r ? num(r.totals.temporarily_out) : '…'} testId="total-temporarily_out" />
        <StatCard
          label="Unaccounted"
          value={r ? num(r.totals.unaccounted) : '…'}
          color={r && r.totals.unaccounted > 0 ? 'orange.8' : undefined}
          testId="total-unaccounted"
        />
        <StatCard label="Escaped" value={r ? num(r.totals.escaped) : '…'} color={r && r.totals.escaped > 0 ? 'red.8' : undefined} testId="total-escaped" />
        <StatCard
          label="Delta, latest unit counts"
          value={rollcallFiguresShown && history.isPending ? '…' : last.size ? num(totalDelta) : '–'}
          hint={
            !rollcallFiguresShown
              ? 'whole facilities only: not in your scope'
              : oldest
                ? `oldest unit count ${shortTime(oldest)}${session.can('alerts.read') ? ` · ${alerts.data?.length ?? 0} open alerts` : ''}`
                : session.can('alerts.read')
                  ? `${alerts.data?.length ?? 0} open alerts`
                  : undefined
          }
          color={totalDelta > 0 ? 'red.8' : undefined}
          testId="total-delta"
        />
      </SimpleGrid>

      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Panel title="Facilities">
            <Suspense fallback={<Skeleton h={360} />}>
              {r && <FacilityMap facilities={mapFacilities} onOpen={(id) => navigate(`/facilities/${id}`)} />}
            </Suspense>
          </Panel>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Panel title="Population, Delta and alerts" h="100%">
            <Table verticalSpacing={6} data-testid="facility-summary">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Facility</Table.Th>
                  <Table.Th ta="right">On roll</Table.Th>
                  <Table.Th ta="right">Delta</Table.Th>
                  <Table.Th ta="right">Alerts</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(r?.facilities ?? []).map((f) => {
                  const lr = last.get(f.id);
                  const a = alertsByFacility.get(f.id) ?? 0;
                  return (
                    <Table.Tr key={f.id} data-testid={`summary-${f.code}`}>
                      <Table.Td>
                        <Link to={`/facilities/${f.id}`}>{f.name.replace(/ \(.*\)$/, '')}</Link>
                        {lr && (
                          <Text size="xs" c="dimmed" data-testid="figures-age">
                            {lr.oldestCountAt === lr.at ? `counted ${shortTime(lr.at)}` : `units counted ${shortTime(lr.oldestCountAt)} – ${shortTime(lr.at)}`}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td ta="right" className="num" data-testid="onRoll">
                        {num(f.onRoll)}
                      </Table.Td>
                      <Table.Td ta="right" className="num" data-testid="delta">
                        {lr ? (
                          <Text span c={lr.delta > 0 ? 'red.8' : undefined} fw={lr.delta > 0 ? 700 : undefined}>
                            {num(lr.delta)}
                          </Text>
                        ) : (
                          '–'
                        )}
                      </Table.Td>
                      <Table.Td ta="right" className="num" data-testid="alerts">
                        {a > 0 ? <Badge color="red">{a}</Badge> : '0'}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Panel>
        </Grid.Col>
      </Grid>

      {!rollcallFiguresShown && (
        <Text size="sm" c="dimmed">
          Roll calls count whole blocks and facilities, so their figures (Delta, population over time) are not shown for a nationality scope.
        </Text>
      )}
      {rollcallFiguresShown && (
        <Grid gap="md">
          <Grid.Col span={{ base: 12, md: 6 }}>
            <Panel title="Population at each roll call">
              <Suspense fallback={<Skeleton h={260} />}>{r && <PopulationChart figures={figures} report={r} />}</Suspense>
            </Panel>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 6 }}>
            <Panel title="Delta at each roll call">
              <Suspense fallback={<Skeleton h={260} />}>{r && <DeltaChart figures={figures} report={r} />}</Suspense>
            </Panel>
          </Grid.Col>
          {chartRange && (
            <Grid.Col span={12}>
              <Text size="xs" c="dimmed" data-testid="chart-range">
                {num(chartRange.count)} roll calls from {longDate(chartRange.first)} to {longDate(chartRange.last)}
              </Text>
            </Grid.Col>
          )}
        </Grid>
      )}

      {r && <StatusTables report={r} />}
    </Stack>
  );
}

type Figures = ReadonlyMap<string, FacilityFigures>;

function seriesByFacility(figures: Figures, report: StatusReport, value: (r: CombinedFigures) => number) {
  const names = new Map(report.facilities.map((f) => [f.id, f.name.replace(/ \(.*\)$/, '')]));
  return [...figures.values()]
    .filter((f) => f.series.length > 0)
    .map((f, i) => ({
      name: names.get(f.facilityId) ?? f.facilityId,
      data: f.series.map((p) => [p.at, value(p)] as [string, number]),
      color: PALETTE[i % PALETTE.length],
    }));
}

function EmptyChart({ text }: { text: string }) {
  return (
    <Text c="dimmed" size="sm" py="xl" ta="center">
      {text}
    </Text>
  );
}

function PopulationChart({ figures, report }: { figures: Figures; report: StatusReport }) {
  // The population of a facility at a moment: the expected lists of the latest count of each of its units then.
  const series = seriesByFacility(figures, report, (r) => r.expected);
  if (!series.length) return <EmptyChart text="No roll call closed yet: the population curve starts with the first one." />;
  return (
    <Chart
      label="Population of each facility at its roll calls"
      testId="chart-population"
      option={{
        tooltip: { trigger: 'axis' },
        legend: { top: 0, type: 'scroll' },
        grid: { left: 56, right: 16, top: 36, bottom: 28 },
        xAxis: { type: 'time', axisLabel: { formatter: '{d} {MMM}', hideOverlap: true } },
        yAxis: { type: 'value', min: 0 },
        series: series.map((s) => ({ type: 'line', name: s.name, data: s.data, showSymbol: s.data.length < 40, color: s.color })),
      }}
    />
  );
}

function DeltaChart({ figures, report }: { figures: Figures; report: StatusReport }) {
  const series = seriesByFacility(figures, report, (r) => r.delta);
  if (!series.length) return <EmptyChart text="No roll call closed yet: the Delta appears with the first one." />;
  return (
    <Chart
      label="Delta of each facility at its roll calls"
      testId="chart-delta"
      option={{
        tooltip: { trigger: 'axis' },
        legend: { top: 0, type: 'scroll' },
        grid: { left: 48, right: 16, top: 36, bottom: 28 },
        xAxis: { type: 'time', axisLabel: { formatter: '{d} {MMM}', hideOverlap: true } },
        yAxis: { type: 'value', min: 0, minInterval: 1 },
        series: series.map((s) => ({ type: 'line', step: 'end', name: s.name, data: s.data, showSymbol: true, color: s.color })),
      }}
    />
  );
}

function StatusTables({ report }: { report: StatusReport }) {
  return (
    <Grid gap="md">
      <Grid.Col span={12}>
        <Panel
          title="Status by facility"
          aside={
            <Anchor href={CSV} download="custos-status.csv" onClick={csvClick} size="sm">
              CSV
            </Anchor>
          }
        >
          <StatusTable report={report} testId="status-table" rowTestId="status-row" linkFacilities />
          {report.totals.registeredNotAdmitted > 0 && (
            <Text size="xs" c="dimmed" mt={4}>
              {num(report.totals.registeredNotAdmitted)} registered, not yet admitted to a facility.
            </Text>
          )}
        </Panel>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 8, lg: 6 }}>
        <Panel title="By nationality">
          <ScrollArea.Autosize mah={360} type="auto">
            <Table striped data-testid="nationality-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Nationality</Table.Th>
                  <Table.Th ta="right">On roll</Table.Th>
                  <Table.Th ta="right">Escaped</Table.Th>
                  <Table.Th ta="right">Repatriated</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {report.nationalities.map((n) => (
                  <Table.Tr key={n.country} data-testid={`nat-row-${n.country}`}>
                    <Table.Td>
                      <Badge variant="outline" color={STATUS_COLOR.in_custody}>
                        {n.country}
                      </Badge>
                    </Table.Td>
                    <Table.Td ta="right" className="num" data-testid="onRoll">
                      {num(n.onRoll)}
                    </Table.Td>
                    <Table.Td ta="right" className="num">
                      {num(n.byStatus.escaped)}
                    </Table.Td>
                    <Table.Td ta="right" className="num">
                      {num(n.byStatus.repatriated)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
        </Panel>
      </Grid.Col>
    </Grid>
  );
}
