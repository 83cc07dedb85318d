import { lazy, Suspense, useMemo, type MouseEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Anchor, Badge, Button, Grid, ScrollArea, SimpleGrid, Skeleton, Stack, Table, Text } from '@mantine/core';
import { api, bearerToken, download, type StatusReport } from '../lib/api';
import { intlLocale, longDate, num, shortTime, STATUS_COLOR, statusLabel } from '../lib/format';
import { dirOf, i18next } from '../i18n';
import { useRouter } from '../lib/router';
import { useSession } from '../lib/session';
import { StatCard } from '../components/StatCard';
import { CasesOverdueCard } from '../features/cases/CasesOverdueCard';
import { PageHeader } from '../components/PageHeader';
import { Panel } from '../components/Panel';
import { StatusTable } from '../components/StatusTable';
import { ErrorNote } from '../components/Problems';
import { Link } from '../components/Link';
import { useOpenAlerts } from '../features/alerts/alerts.queries';
import { useFacilityFigures, type CombinedFigures, type FacilityFigures } from '../features/rollcalls/rollcalls.api';
import type { MapFacility } from '../components/FacilityMap';
import { useTranslation } from 'react-i18next';

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
  const { t } = useTranslation('overview');
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

  if (report.error) return <ErrorNote error={report.error} what={t('statusReport')} />;
  const r = report.data;
  const totalDelta = [...last.values()].reduce((s, x) => s + x.delta, 0);
  const oldest = [...last.values()].reduce<string | null>((o, x) => (o === null || x.oldestCountAt < o ? x.oldestCountAt : o), null);

  return (
    <Stack gap="md">
      <PageHeader
        title={t('title')}
        description={
          <>
            {session.nationalities.length ? t('nationalsOnly', { list: session.nationalities.join(', ') }) : ''}
            {r ? t('countedAsOf', { time: shortTime(r.generatedAt) }) : t('counted')}
          </>
        }
        actions={
          <Button component="a" href={CSV} download="custos-status.csv" onClick={csvClick} variant="light" data-testid="csv-export">
            {t('exportCsv')}
          </Button>
        }
      />

      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm">
        <StatCard
          label={t('onRoll')}
          value={r ? num(r.totals.onRoll) : '…'}
          hint={r ? t('minors', { count: r.totals.minorsOnRoll, n: num(r.totals.minorsOnRoll) }) : undefined}
          testId="total-onRoll"
        />
        <StatCard label={statusLabel('in_custody')} value={r ? num(r.totals.in_custody) : '…'} testId="total-in_custody" />
        <StatCard label={statusLabel('temporarily_out')} value={r ? num(r.totals.temporarily_out) : '…'} testId="total-temporarily_out" />
        <StatCard
          label={statusLabel('unaccounted')}
          value={r ? num(r.totals.unaccounted) : '…'}
          color={r && r.totals.unaccounted > 0 ? 'orange.8' : undefined}
          testId="total-unaccounted"
        />
        <StatCard
          label={statusLabel('escaped')}
          value={r ? num(r.totals.escaped) : '…'}
          color={r && r.totals.escaped > 0 ? 'red.8' : undefined}
          testId="total-escaped"
        />
        <StatCard
          label={t('deltaLatest')}
          value={rollcallFiguresShown && history.isPending ? '…' : last.size ? num(totalDelta) : '–'}
          hint={
            !rollcallFiguresShown
              ? t('wholeFacilitiesOnly')
              : oldest
                ? `${t('oldestCount', { time: shortTime(oldest) })}${session.can('alerts.read') ? ` · ${t('openAlerts', { count: alerts.data?.length ?? 0, n: num(alerts.data?.length ?? 0) })}` : ''}`
                : session.can('alerts.read')
                  ? t('openAlerts', { count: alerts.data?.length ?? 0, n: num(alerts.data?.length ?? 0) })
                  : undefined
          }
          color={totalDelta > 0 ? 'red.8' : undefined}
          testId="total-delta"
        />
        <CasesOverdueCard />
      </SimpleGrid>

      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Panel title={t('facilities')}>
            <Suspense fallback={<Skeleton h={360} />}>
              {r && <FacilityMap facilities={mapFacilities} onOpen={(id) => navigate(`/facilities/${id}`)} />}
            </Suspense>
          </Panel>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Panel title={t('summary')} h="100%">
            <Table verticalSpacing={6} data-testid="facility-summary">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('facility')}</Table.Th>
                  <Table.Th ta="end">{t('onRoll')}</Table.Th>
                  <Table.Th ta="end">{t('delta')}</Table.Th>
                  <Table.Th ta="end">{t('alerts')}</Table.Th>
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
                            {lr.oldestCountAt === lr.at
                              ? t('countedAt', { time: shortTime(lr.at) })
                              : t('unitsCounted', { from: shortTime(lr.oldestCountAt), to: shortTime(lr.at) })}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td ta="end" className="num" data-testid="onRoll">
                        {num(f.onRoll)}
                      </Table.Td>
                      <Table.Td ta="end" className="num" data-testid="delta">
                        {lr ? (
                          <Text span c={lr.delta > 0 ? 'red.8' : undefined} fw={lr.delta > 0 ? 700 : undefined}>
                            {num(lr.delta)}
                          </Text>
                        ) : (
                          '–'
                        )}
                      </Table.Td>
                      <Table.Td ta="end" className="num" data-testid="alerts">
                        {a > 0 ? <Badge color="red">{num(a)}</Badge> : num(0)}
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
          {t('notForNationality')}
        </Text>
      )}
      {rollcallFiguresShown && (
        <Grid gap="md">
          <Grid.Col span={{ base: 12, md: 6 }}>
            <Panel title={t('populationChart')}>
              <Suspense fallback={<Skeleton h={260} />}>{r && <PopulationChart figures={figures} report={r} />}</Suspense>
            </Panel>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 6 }}>
            <Panel title={t('deltaChart')}>
              <Suspense fallback={<Skeleton h={260} />}>{r && <DeltaChart figures={figures} report={r} />}</Suspense>
            </Panel>
          </Grid.Col>
          {chartRange && (
            <Grid.Col span={12}>
              <Text size="xs" c="dimmed" data-testid="chart-range">
                {t('chartRange', { count: chartRange.count, n: num(chartRange.count), from: longDate(chartRange.first), to: longDate(chartRange.last) })}
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

/** Time runs right to left in Arabic: the time axis is mirrored and the values sit on the right; ticks in the locale. */
function axes(minInterval?: number) {
  const rtl = dirOf(i18next.language) === 'rtl';
  const day = new Intl.DateTimeFormat(intlLocale(), { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const n = new Intl.NumberFormat(intlLocale());
  return {
    grid: { left: rtl ? 16 : 56, right: rtl ? 56 : 16, top: 36, bottom: 28 },
    xAxis: { type: 'time', inverse: rtl, axisLabel: { formatter: (v: number) => day.format(v), hideOverlap: true } },
    yAxis: {
      type: 'value',
      min: 0,
      position: rtl ? 'right' : 'left',
      axisLabel: { formatter: (v: number) => n.format(v) },
      ...(minInterval ? { minInterval } : {}),
    },
  };
}

function PopulationChart({ figures, report }: { figures: Figures; report: StatusReport }) {
  const { t } = useTranslation('overview');
  // The population of a facility at a moment: the expected lists of the latest count of each of its units then.
  const series = seriesByFacility(figures, report, (r) => r.expected);
  if (!series.length) return <EmptyChart text={t('noPopulation')} />;
  return (
    <Chart
      label={t('populationLabel')}
      testId="chart-population"
      option={{
        tooltip: { trigger: 'axis' },
        legend: { top: 0, type: 'scroll' },
        ...axes(),
        series: series.map((s) => ({ type: 'line', name: s.name, data: s.data, showSymbol: s.data.length < 40, color: s.color })),
      }}
    />
  );
}

function DeltaChart({ figures, report }: { figures: Figures; report: StatusReport }) {
  const { t } = useTranslation('overview');
  const series = seriesByFacility(figures, report, (r) => r.delta);
  if (!series.length) return <EmptyChart text={t('noDelta')} />;
  return (
    <Chart
      label={t('deltaLabel')}
      testId="chart-delta"
      option={{
        tooltip: { trigger: 'axis' },
        legend: { top: 0, type: 'scroll' },
        ...axes(1),
        series: series.map((s) => ({ type: 'line', step: 'end', name: s.name, data: s.data, showSymbol: true, color: s.color })),
      }}
    />
  );
}

function StatusTables({ report }: { report: StatusReport }) {
  const { t } = useTranslation('overview');
  return (
    <Grid gap="md">
      <Grid.Col span={12}>
        <Panel
          title={t('statusByFacility')}
          aside={
            <Anchor href={CSV} download="custos-status.csv" onClick={csvClick} size="sm">
              CSV
            </Anchor>
          }
        >
          <StatusTable report={report} testId="status-table" rowTestId="status-row" linkFacilities />
          {report.totals.registeredNotAdmitted > 0 && (
            <Text size="xs" c="dimmed" mt={4}>
              {t('registeredNotAdmitted', { count: report.totals.registeredNotAdmitted, n: num(report.totals.registeredNotAdmitted) })}
            </Text>
          )}
        </Panel>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 8, lg: 6 }}>
        <Panel title={t('byNationality')}>
          <ScrollArea.Autosize mah={360} type="auto">
            <Table striped data-testid="nationality-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('nationality')}</Table.Th>
                  <Table.Th ta="end">{t('onRoll')}</Table.Th>
                  <Table.Th ta="end">{statusLabel('escaped')}</Table.Th>
                  <Table.Th ta="end">{statusLabel('repatriated')}</Table.Th>
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
                    <Table.Td ta="end" className="num" data-testid="onRoll">
                      {num(n.onRoll)}
                    </Table.Td>
                    <Table.Td ta="end" className="num">
                      {num(n.byStatus.escaped)}
                    </Table.Td>
                    <Table.Td ta="end" className="num">
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
