import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { Badge, Box, Button, Grid, Group, Paper, ScrollArea, Select, SegmentedControl, SimpleGrid, Skeleton, Slider, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { dirOf, i18next } from '../../i18n';
import { intlLocale, num } from '../../lib/format';
import { useFacilities, facilityOptions } from '../../lib/queries';
import { useRouter } from '../../lib/router';
import { useSession } from '../../lib/session';
import { PageHeader } from '../../components/PageHeader';
import { Panel } from '../../components/Panel';
import { StatCard } from '../../components/StatCard';
import { ErrorNote } from '../../components/Problems';
import { IsoDateInput } from '../../components/IsoDateInput';
import { alertTitle, SEVERITY_COLOR } from '../alerts/alerts.text';
import {
  SENSOR_ITEMS_CAP,
  TIMELINE_CAP,
  type Alert,
  type SensorsResult,
  useFacilityDetail,
  useFigures,
  useFirstSigns,
  usePerimeter,
  useTimeline,
  useUnitRows,
  type TimelineResult,
} from './replay.api';
import {
  clamp,
  compare,
  figuresAt,
  sensorsAt,
  seriesUpTo,
  SPEEDS,
  timelineUpTo,
  unitsAt,
  windowAround,
  windowDays,
  windowFromDays,
  type Comparison,
  type FiguresPoint,
  type GroupAt,
  type SensorState,
  type UnitState,
  type Window,
} from './replay.logic';

const chartModule = import('../../components/Chart');
const Chart = lazy(() => chartModule);

const MINUTE = 60_000;
const TICK_MS = 250;

/** Scenario times are said in UTC (the scenario's own times: guards left at 07:00 UTC, the count at 16:00). */
export const utc = (t: number | string): string =>
  `${new Date(t).toLocaleString(intlLocale(), { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' })} UTC`;

const hoursMinutes = (ms: number): string => {
  const m = Math.round(ms / MINUTE);
  return i18next.t('replay:duration', { h: num(Math.floor(m / 60)), m: String(m % 60).padStart(2, '0') });
};

export const STATE_COLOR: Record<UnitState, string> = { counted: 'teal', missing: 'red', stale: 'yellow', none: 'gray' };

/**
 * The replay of a facility over a window (by default the January 2026 collapse at al-Hol: the day before the first
 * "no guard on duty" alert to the day after): a clock, the units at that instant, the Delta curve up to it, the
 * after-action timeline, and "as it happened" beside "with Custos". Every figure is one the API gave.
 */
export default function ReplayPage() {
  const { t } = useTranslation('replay');
  const session = useSession();
  const { search, navigate } = useRouter();
  const facilities = useFacilities();
  const signs = useFirstSigns(session.can('alerts.read'));
  const code = search.get('facility');
  const facility = useMemo(() => {
    const list = facilities.data ?? [];
    if (code) return list.find((f) => f.code === code) ?? null;
    if (session.can('alerts.read') && signs.isPending) return undefined;
    const first = signs.data?.[0];
    return list.find((f) => f.id === first?.facilityId) ?? list[0] ?? null;
  }, [facilities.data, code, signs.data, signs.isPending, session]);
  const figures = useFigures(facility?.id ?? null);
  const window = useMemo((): Window | null | undefined => {
    const given = windowFromDays(search.get('from'), search.get('to'));
    if (given) return given;
    if (!facility) return undefined;
    const sign = signs.data?.find((a) => a.facilityId === facility.id);
    if (sign) return windowAround(Date.parse(sign.raisedAt));
    if (figures.isPending) return undefined;
    const last = figures.data?.at(-1);
    return last ? windowAround(Date.parse(last.at) - 86_400_000) : null;
  }, [search, facility, signs.data, figures.isPending, figures.data]);

  const go = (next: { facility?: string; from?: string; to?: string }) => {
    const p = new URLSearchParams();
    const f = next.facility ?? facility?.code;
    if (f) p.set('facility', f);
    if (next.from && next.to) {
      p.set('from', next.from);
      p.set('to', next.to);
    }
    navigate(`/replay?${p.toString()}`, { replace: true });
  };

  // Roll-call figures cover whole facilities: a user narrowed to some nationalities does not get them (as on the overview).
  if (session.nationalities.length) {
    return (
      <Stack gap="md">
        <PageHeader title={t('title')} description={t('intro')} />
        <Text c="dimmed" data-testid="replay-nationals">
          {t('wholeFacilitiesOnly')}
        </Text>
      </Stack>
    );
  }
  if (facilities.error) return <ErrorNote error={facilities.error} what={t('what')} />;
  if (figures.error) return <ErrorNote error={figures.error} what={t('what')} />;

  return (
    <Stack gap="md">
      <PageHeader title={t('title')} description={t('intro')} />
      <WindowPicker
        facilities={facilityOptions(facilities.data, (f) => f.code)}
        facility={facility?.code ?? null}
        window={window ?? null}
        onFacility={(c) => go({ facility: c })}
        onWindow={(from, to) => go({ from, to })}
      />
      {facility === null && <Text c="dimmed">{t('noFacility')}</Text>}
      {window === null && facility && (
        <Text c="dimmed" data-testid="replay-empty">
          {t('noWindow')}
        </Text>
      )}
      {facility && window && figures.data && (
        <Replay
          key={`${facility.id}:${window.from}:${window.to}`}
          facilityId={facility.id}
          window={window}
          series={figures.data}
          signs={(signs.data ?? []).filter((a) => a.facilityId === facility.id)}
          initialAt={search.get('at')}
        />
      )}
      {(facility === undefined || window === undefined || (facility && figures.isPending)) && <Skeleton h={400} />}
    </Stack>
  );
}

function WindowPicker({
  facilities,
  facility,
  window,
  onFacility,
  onWindow,
}: {
  facilities: { value: string; label: string }[];
  facility: string | null;
  window: Window | null;
  onFacility: (code: string) => void;
  onWindow: (from: string, to: string) => void;
}) {
  const { t } = useTranslation('replay');
  const days = window ? windowDays(window) : { from: '', to: '' };
  const [from, setFrom] = useState(days.from);
  const [to, setTo] = useState(days.to);
  useEffect(() => {
    setFrom(days.from);
    setTo(days.to);
  }, [days.from, days.to]);
  const valid = windowFromDays(from, to) !== null;
  return (
    <Paper withBorder p="sm" radius="md">
      <Group align="flex-end" gap="sm" wrap="wrap">
        <Select
          label={t('picker.facility')}
          data={facilities}
          value={facility}
          onChange={(v) => v && onFacility(v)}
          allowDeselect={false}
          searchable
          w={280}
          data-testid="replay-facility"
        />
        <IsoDateInput label={t('picker.from')} value={from} onValue={setFrom} w={140} data-testid="replay-from" />
        <IsoDateInput label={t('picker.to')} value={to} onValue={setTo} w={140} data-testid="replay-to" />
        <Button variant="default" disabled={!valid} onClick={() => onWindow(from, to)} data-testid="replay-apply">
          {t('picker.apply')}
        </Button>
        {!valid && from.length === 10 && to.length === 10 && (
          <Text size="xs" c="red">
            {t('picker.invalid')}
          </Text>
        )}
      </Group>
    </Paper>
  );
}

function Replay({
  facilityId,
  window: w,
  series,
  signs,
  initialAt,
}: {
  facilityId: string;
  window: Window;
  series: FiguresPoint[];
  signs: Alert[];
  initialAt: string | null;
}) {
  const { t } = useTranslation('replay');
  const [at, setAt] = useState(() => {
    const given = initialAt ? Date.parse(initialAt) : Number.NaN;
    return Number.isFinite(given) ? clamp(given, w) : w.from;
  });
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<string>(SPEEDS[1].key);
  const perTick = (SPEEDS.find((s) => s.key === speed)?.perSecond ?? SPEEDS[1].perSecond) * (TICK_MS / 1000);

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      setAt((a) => {
        const next = Math.min(w.to, a + perTick);
        if (next >= w.to) setPlaying(false);
        return next;
      });
    }, TICK_MS);
    return () => clearInterval(timer);
  }, [playing, perTick, w.to]);

  const detail = useFacilityDetail(facilityId);
  const rows = useUnitRows(facilityId, w);
  const session = useSession();
  const timeline = useTimeline(facilityId, w, session.can('reviews.read'));
  const perimeter = usePerimeter(facilityId, w, session.can('sensors.read'), session.can('reviews.read'));
  const comparison = useMemo(() => compare(signs, series, w), [signs, series, w]);
  const now = figuresAt(series, at);
  const groups = useMemo(() => (detail.data && rows.data ? unitsAt(detail.data.units, rows.data, at) : null), [detail.data, rows.data, at]);

  const jump = (iso: string) => {
    setPlaying(false);
    setAt(clamp(Date.parse(iso), w));
  };

  return (
    <Stack gap="md" data-testid="replay" data-at={new Date(at).toISOString()}>
      <Paper withBorder p="sm" radius="md" data-testid="replay-controls">
        <Group justify="space-between" align="center" wrap="wrap" gap="sm">
          <Group gap="xs">
            <Button
              onClick={() => {
                if (!playing && at >= w.to) setAt(w.from);
                setPlaying(!playing);
              }}
              data-testid="replay-play"
              aria-pressed={playing}
              w={100}
            >
              {playing ? t('clock.pause') : t('clock.play')}
            </Button>
            <SegmentedControl
              size="xs"
              value={speed}
              onChange={setSpeed}
              data={SPEEDS.map((s) => ({ value: s.key, label: t(`clock.speed.${s.key}`) }))}
              aria-label={t('clock.speedLabel')}
              data-testid="replay-speed"
            />
          </Group>
          <Text fw={700} size="lg" className="num" data-testid="replay-clock">
            {utc(at)}
          </Text>
        </Group>
        <Slider
          mt="md"
          mb="xs"
          min={0}
          max={Math.round((w.to - w.from) / MINUTE)}
          step={5}
          value={Math.round((at - w.from) / MINUTE)}
          onChange={(v) => {
            setPlaying(false);
            setAt(w.from + v * MINUTE);
          }}
          label={(v) => utc(w.from + v * MINUTE)}
          marks={dayMarks(w)}
          thumbLabel={t('clock.scrub')}
          data-testid="replay-scrub"
        />
      </Paper>

      <ComparisonPanel c={comparison} onJump={jump} at={at} />

      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        <StatCard label={t('now.expected')} value={now ? num(now.expected) : '–'} testId="now-expected" />
        <StatCard label={t('now.present')} value={now ? num(now.present) : '–'} testId="now-present" />
        <StatCard label={t('now.delta')} value={now ? num(now.delta) : '–'} color={now && now.delta > 0 ? 'red.8' : undefined} testId="now-delta" />
        <StatCard
          label={t('now.lastCount')}
          value={now ? utc(now.at) : t('now.noCount')}
          hint={now ? t('now.units', { count: now.unitsCounted, n: num(now.unitsCounted) }) : undefined}
          testId="now-count"
        />
      </SimpleGrid>

      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Panel title={t('map.title')} description={t('map.description')} testId="replay-map">
            {groups ? (
              <UnitMap groups={groups} />
            ) : detail.error || rows.error ? (
              <ErrorNote error={detail.error ?? rows.error} what={t('map.title')} />
            ) : (
              <Skeleton h={300} />
            )}
            <Group gap="xs" mt="xs">
              {(['counted', 'missing', 'stale', 'none'] as const).map((s) => (
                <Badge key={s} color={STATE_COLOR[s]} variant="light">
                  {t(`state.${s}`)}
                </Badge>
              ))}
            </Group>
          </Panel>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Panel title={t('chart.title')} description={t('chart.description')}>
            <Suspense fallback={<Skeleton h={260} />}>
              <DeltaCurve series={series} window={w} at={at} />
            </Suspense>
          </Panel>
        </Grid.Col>
      </Grid>

      <PerimeterPanel result={perimeter.data} error={perimeter.error} at={at} />

      <TimelinePanel result={timeline.data} error={timeline.error} at={at} onJump={jump} />
    </Stack>
  );
}

function dayMarks(w: Window) {
  const marks: { value: number; label: string }[] = [];
  const day = new Intl.DateTimeFormat(intlLocale(), { day: 'numeric', month: 'short', timeZone: 'UTC' });
  for (let t = w.from; t < w.to; t += 86_400_000) marks.push({ value: Math.round((t - w.from) / MINUTE), label: day.format(t) });
  return marks;
}

function ComparisonPanel({ c, onJump, at }: { c: Comparison<Alert>; onJump: (iso: string) => void; at: number }) {
  const { t } = useTranslation('replay');
  const reached = (iso: string | undefined) => !!iso && Date.parse(iso) <= at;
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" data-testid="comparison">
      <Paper withBorder p="sm" radius="md" data-testid="as-it-happened" data-reached={reached(c.asItHappened?.at)}>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          {t('compare.asItHappened')}
        </Text>
        {c.asItHappened ? (
          <>
            <Text fw={700} size="lg" data-testid="as-it-happened-time">
              {utc(c.asItHappened.at)}
            </Text>
            <Text size="sm" data-testid="as-it-happened-text">
              {t('compare.firstCount', { delta: num(c.asItHappened.delta), expected: num(c.asItHappened.expected) })}
            </Text>
            <Button size="compact-xs" variant="subtle" mt={4} onClick={() => onJump(c.asItHappened!.at)} data-testid="jump-count">
              {t('compare.goTo')}
            </Button>
          </>
        ) : (
          <Text size="sm" c="dimmed">
            {t('compare.noCount')}
          </Text>
        )}
      </Paper>
      <Paper withBorder p="sm" radius="md" data-testid="with-custos" data-reached={reached(c.withCustos?.raisedAt)}>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          {t('compare.withCustos')}
        </Text>
        {c.withCustos ? (
          <>
            <Group gap="xs">
              <Text fw={700} size="lg" data-testid="with-custos-time">
                {utc(c.withCustos.raisedAt)}
              </Text>
              <Badge color={SEVERITY_COLOR[c.withCustos.severity] ?? 'gray'}>
                {i18next.t(`alerts:severity.${c.withCustos.severity}`, { defaultValue: c.withCustos.severity })}
              </Badge>
            </Group>
            <Text size="sm" data-testid="with-custos-title">
              {alertTitle(c.withCustos)}
            </Text>
            {c.leadMs !== null && (
              <Text size="sm" fw={600} c="red.8" data-testid="lead">
                {t('compare.lead', { duration: hoursMinutes(c.leadMs) })}
              </Text>
            )}
            <Button size="compact-xs" variant="subtle" mt={4} onClick={() => onJump(c.withCustos!.raisedAt)} data-testid="jump-alert">
              {t('compare.goTo')}
            </Button>
          </>
        ) : (
          <Text size="sm" c="dimmed">
            {t('compare.noAlert')}
          </Text>
        )}
      </Paper>
    </SimpleGrid>
  );
}

/** The facility's units as a schematic (units have no coordinates): each top-level unit with its leaves, coloured by state. */
function UnitMap({ groups }: { groups: GroupAt[] }) {
  const { t } = useTranslation('replay');
  if (!groups.length) {
    return (
      <Text size="sm" c="dimmed">
        {t('map.noUnits')}
      </Text>
    );
  }
  return (
    <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="xs" data-testid="unit-map">
      {groups.map((g) => (
        <Box
          key={g.unit?.id ?? 'facility'}
          p={6}
          style={{ border: `2px solid var(--mantine-color-${STATE_COLOR[g.state]}-5)`, borderRadius: 6 }}
          data-testid={`group-${g.unit?.code ?? 'facility'}`}
          data-state={g.state}
        >
          <Group justify="space-between" gap={4} wrap="nowrap">
            <Text size="xs" fw={700} truncate>
              {g.unit ? g.unit.code : t('map.facilityLevel')}
            </Text>
            <Text size="xs" className="num" data-testid="group-figures">
              {num(g.present)}/{num(g.expected)}
              {g.delta > 0 ? ` · Δ ${num(g.delta)}` : ''}
            </Text>
          </Group>
          <Group gap={4} mt={4}>
            {g.leaves.map((l) => (
              <Box
                key={l.unit.id}
                px={5}
                py={2}
                bg={`var(--mantine-color-${STATE_COLOR[l.state]}-light)`}
                style={{ borderRadius: 4, border: `1px solid var(--mantine-color-${STATE_COLOR[l.state]}-6)`, minWidth: 54 }}
                title={`${l.unit.name} · ${t(`state.${l.state}`)}${l.row ? ` · ${utc(l.row.closedAt)}` : ''}`}
                data-testid={`unit-${l.unit.code}`}
                data-state={l.state}
              >
                <Text size="10px" fw={600} lh={1.2}>
                  {l.unit.code.replace(`${g.unit?.code ?? ''}-`, '')}
                </Text>
                <Text size="10px" lh={1.2} className="num" data-testid="unit-figures">
                  {l.row ? `${num(l.row.present)}/${num(l.row.expected)}` : '–'}
                </Text>
              </Box>
            ))}
          </Group>
        </Box>
      ))}
    </SimpleGrid>
  );
}

/**
 * Where each sector's name goes on the plan: at the centre of its sensors moved 110 units towards the middle of the
 * facility (the sensors sit on the fence), and further in while it would overlap a name placed already.
 */
function sectorLabels(sectors: readonly { sector: string; x: number; y: number }[]): Map<string, { x: number; y: number }> {
  const placed = new Map<string, { x: number; y: number }>();
  for (const s of sectors) {
    const dx = 500 - s.x;
    const dy = 500 - s.y;
    const len = Math.hypot(dx, dy) || 1;
    let x = Math.min(860, Math.max(140, s.x + (dx / len) * 110));
    let y = Math.min(920, Math.max(80, s.y + (dy / len) * 110));
    for (let tries = 0; tries < 10 && [...placed.values()].some((p) => Math.abs(p.x - x) < 190 && Math.abs(p.y - y) < 40); tries++) {
      y += y > 500 ? -44 : 44;
      x = Math.min(860, Math.max(140, x));
    }
    placed.set(s.sector, { x, y });
  }
  return placed;
}

export const SENSOR_STATE_COLOR: Record<SensorState, string> = { alarm: 'red', dark: 'gray', quiet: 'teal' };

/**
 * The facility's perimeter plan at the clock: each sensor where it was placed (x, y on the facility's 0..1000 plan,
 * the positions of the sensors module), red while its alarms are under 15 min old, grey while in a dead zone; each
 * sector named at the centre of its sensors. Units have no coordinates, so they stay on the unit panel.
 */
function PerimeterPanel({ result, error, at }: { result: SensorsResult | undefined; error: unknown; at: number }) {
  const { t } = useTranslation('replay');
  const plan = useMemo(() => (result?.status === 'ok' ? sensorsAt(result.sensors, result.items, at) : null), [result, at]);
  const labels = useMemo(() => (plan ? sectorLabels(plan.sectors) : new Map<string, { x: number; y: number }>()), [plan]);
  return (
    <Panel title={t('plan.title')} description={t('plan.description')} testId="replay-plan">
      {error ? (
        <ErrorNote error={error} what={t('plan.title')} />
      ) : !result ? (
        <Skeleton h={300} />
      ) : result.status === 'unavailable' ? (
        <Text size="sm" c="dimmed" data-testid="plan-unavailable">
          {t('plan.forbidden')}
        </Text>
      ) : !plan || plan.sensors.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="plan-empty">
          {t('plan.none')}
        </Text>
      ) : (
        <Grid gap="md">
          <Grid.Col span={{ base: 12, md: 7 }}>
            <svg
              viewBox="-40 -40 1080 1100"
              role="img"
              aria-label={t('plan.label', { count: plan.sensors.length, n: num(plan.sensors.length) })}
              style={{ width: '100%', maxHeight: 420, background: 'var(--mantine-color-gray-light)' }}
              data-testid="plan-svg"
            >
              <rect x={20} y={20} width={960} height={960} fill="none" stroke="var(--mantine-color-gray-5)" strokeDasharray="12 8" strokeWidth={4} />
              {plan.sectors.map((s) => (
                <text
                  key={s.sector}
                  x={labels.get(s.sector)?.x ?? s.x}
                  y={labels.get(s.sector)?.y ?? s.y}
                  textAnchor="middle"
                  fontSize={34}
                  fontWeight={700}
                  fill={`var(--mantine-color-${SENSOR_STATE_COLOR[s.state]}-8)`}
                  data-testid={`plan-sector-${s.sector}`}
                  data-state={s.state}
                >
                  {s.sector}
                </text>
              ))}
              {plan.sensors.map((s) => (
                <g key={s.sensor.id} data-testid={`plan-sensor-${s.sensor.code}`} data-state={s.state}>
                  <title>{`${s.sensor.code} · ${s.sensor.sector} · ${t(`plan.state.${s.state}`)}${s.lastAlarmAt ? ` · ${t('plan.lastAlarm', { at: utc(s.lastAlarmAt) })}` : ''}`}</title>
                  <circle
                    cx={s.sensor.x}
                    cy={s.sensor.y}
                    r={s.state === 'alarm' ? 30 : 22}
                    fill={`var(--mantine-color-${SENSOR_STATE_COLOR[s.state]}-6)`}
                    stroke="white"
                    strokeWidth={4}
                  />
                  <text x={s.sensor.x} y={s.sensor.y + 56} textAnchor="middle" fontSize={28} fill="var(--mantine-color-text)">
                    {s.sensor.code}
                  </text>
                </g>
              ))}
            </svg>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            <Stack gap={6}>
              {plan.sectors.map((s) => (
                <Group key={s.sector} justify="space-between" gap="xs" wrap="nowrap" data-testid={`plan-row-${s.sector}`}>
                  <Text size="sm" fw={600}>
                    {s.sector}
                  </Text>
                  <Badge color={SENSOR_STATE_COLOR[s.state]} variant="light">
                    {t(`plan.state.${s.state}`)} · {t('plan.sensors', { count: s.sensors, n: num(s.sensors) })}
                  </Badge>
                </Group>
              ))}
              {result.total > result.items.length && (
                <Text size="xs" c="dimmed">
                  {t('plan.capped', { n: num(result.items.length), total: num(result.total), cap: num(SENSOR_ITEMS_CAP) })}
                </Text>
              )}
              <Text size="xs" c="dimmed">
                {t('plan.legend')}
              </Text>
            </Stack>
          </Grid.Col>
        </Grid>
      )}
    </Panel>
  );
}

function DeltaCurve({ series, window: w, at }: { series: FiguresPoint[]; window: Window; at: number }) {
  const { t } = useTranslation('replay');
  const shown = seriesUpTo(series, w, at);
  // The axis fits the whole window's curve, so that it does not jump while the clock runs.
  const inWindow = series.filter((p) => Date.parse(p.at) >= w.from && Date.parse(p.at) <= w.to);
  const top = Math.max(1, ...inWindow.map((p) => p.delta));
  const rtl = dirOf(i18next.language) === 'rtl';
  const day = new Intl.DateTimeFormat(intlLocale(), { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const hour = new Intl.DateTimeFormat(intlLocale(), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });
  const tick = (v: number) => (v % 86_400_000 === 0 ? day.format(v) : hour.format(v));
  const n = new Intl.NumberFormat(intlLocale());
  const option = {
    tooltip: { trigger: 'axis' },
    grid: { left: rtl ? 16 : 48, right: rtl ? 48 : 16, top: 24, bottom: 28 },
    xAxis: { type: 'time', min: w.from, max: w.to, inverse: rtl, axisLabel: { formatter: tick, hideOverlap: true } },
    yAxis: { type: 'value', min: 0, max: top, minInterval: 1, position: rtl ? 'right' : 'left', axisLabel: { formatter: (v: number) => n.format(v) } },
    series: [
      { type: 'line', step: 'end', name: t('chart.delta'), data: shown.map((p) => [p.at, p.delta]), showSymbol: true, color: '#c92a2a' },
      {
        type: 'line',
        name: t('chart.clock'),
        data: [
          [at, 0],
          [at, top],
        ],
        showSymbol: false,
        color: '#868e96',
        lineStyle: { type: 'dashed' },
        tooltip: { show: false },
      },
    ],
  };
  return (
    <>
      <Chart label={t('chart.label')} testId="replay-delta-chart" option={option} height={300} />
      <Text size="xs" c="dimmed" data-testid="chart-points">
        {t('chart.points', { count: shown.length, n: num(shown.length) })}
      </Text>
    </>
  );
}

function TimelinePanel({ result, error, at, onJump }: { result: TimelineResult | undefined; error: unknown; at: number; onJump: (iso: string) => void }) {
  const { t } = useTranslation('replay');
  if (error) return <ErrorNote error={error} what={t('timeline.title')} />;
  if (!result) {
    return (
      <Panel title={t('timeline.title')}>
        <Skeleton h={200} />
      </Panel>
    );
  }
  if (result.status === 'unavailable') {
    return (
      <Panel title={t('timeline.title')} testId="replay-timeline">
        <Text size="sm" c="dimmed" data-testid="timeline-unavailable">
          {result.code === 403 ? t('timeline.forbidden') : t('timeline.unavailable')}
        </Text>
      </Panel>
    );
  }
  return <TimelineList result={result} at={at} onJump={onJump} />;
}

/** The items, those up to the clock highlighted; the list follows the clock (the latest item so far kept in view). */
function TimelineList({ result, at, onJump }: { result: Extract<TimelineResult, { status: 'ok' }>; at: number; onJump: (iso: string) => void }) {
  const { t } = useTranslation('replay');
  const viewport = useRef<HTMLDivElement>(null);
  const { shown, current } = timelineUpTo(result.items, at);
  useEffect(() => {
    const v = viewport.current;
    const el = v?.querySelector<HTMLElement>('[data-current="true"]');
    if (v && el) v.scrollTop = Math.max(0, el.offsetTop - v.clientHeight / 2);
  }, [current]);
  return (
    <Panel
      title={t('timeline.title')}
      description={
        result.total > result.items.length
          ? t('timeline.capped', { n: num(result.items.length), total: num(result.total), cap: num(TIMELINE_CAP) })
          : t('timeline.description')
      }
      aside={
        <Badge variant="light" size="lg" data-testid="timeline-count">
          {t('timeline.upTo', { shown: num(shown), total: num(result.total) })}
        </Badge>
      }
      testId="replay-timeline"
    >
      {result.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('timeline.none')}
        </Text>
      ) : (
        <ScrollArea.Autosize mah={420} type="auto" viewportRef={viewport}>
          <Stack gap={2} pos="relative">
            {result.items.map((it, i) => {
              const past = Date.parse(it.at) <= at;
              return (
                <Group
                  key={it.id}
                  gap="xs"
                  wrap="nowrap"
                  px={6}
                  py={3}
                  style={{
                    opacity: past ? 1 : 0.45,
                    borderInlineStart: `3px solid var(--mantine-color-${severityColor(it.severity)}-${past ? 6 : 2})`,
                    background: i === current ? 'var(--mantine-color-yellow-light)' : undefined,
                    cursor: 'pointer',
                  }}
                  onClick={() => onJump(it.at)}
                  data-testid="timeline-item"
                  data-past={past}
                  data-current={i === current}
                >
                  <Text size="xs" className="num" w={120} style={{ flexShrink: 0 }}>
                    {utc(it.at)}
                  </Text>
                  <Badge size="xs" variant="outline" style={{ flexShrink: 0 }}>
                    {t(`source.${it.source}`, { defaultValue: it.source })}
                  </Badge>
                  <Text size="sm" fw={i === current ? 700 : undefined} truncate>
                    {it.title}
                  </Text>
                </Group>
              );
            })}
          </Stack>
        </ScrollArea.Autosize>
      )}
    </Panel>
  );
}

const severityColor = (s: string | null | undefined) => (s && SEVERITY_COLOR[s]) || 'gray';
