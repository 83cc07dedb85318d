import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  Alert as MAlert,
  Badge,
  Button,
  Group,
  Loader,
  Menu,
  Modal,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { api, ApiError, type FacilityDetail } from '../lib/api';
import { bidi, dateTime, num, shortTime, statusLabel } from '../lib/format';
import { useSession } from '../lib/session';
import { ErrorNote } from '../components/Problems';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { Link } from '../components/Link';
import { Name } from '../components/Name';
import {
  ROLLCALL_STATUS_COLOR,
  type CloseResult,
  type MarkResult,
  type Rollcall,
  type RollcallDetail,
  type SheetRow,
} from '../features/rollcalls/rollcalls.api';

/** A cancel's reason: at least 3 characters (CancelRollcallBody). */
const MIN_REASON = 3;

const PAGE = 5000;
const FIRST_PAGE = 1000;
const EXCUSES = [
  { value: 'hospital', label: 'Hospital' },
  { value: 'court', label: 'Court' },
  { value: 'transfer', label: 'Transfer' },
] as const;

interface LocalMark {
  result: MarkResult;
  reason?: string;
}

interface PendingMark extends LocalMark {
  id: string;
  personId: string;
  markedAt: string;
}

interface Sheet {
  detail: RollcallDetail | null;
  rows: SheetRow[];
  complete: boolean;
  error: unknown;
}

/**
 * The expected list of a roll call, in pages of 5,000 rows: the first page shows at once, the others (three at a time)
 * are appended in order as they arrive, so a camp-wide list of tens of thousands does not hold up the first marks.
 */
function useSheet(id: string): Sheet {
  const [sheet, setSheet] = useState<Sheet>({ detail: null, rows: [], complete: false, error: null });
  useEffect(() => {
    let cancelled = false;
    setSheet({ detail: null, rows: [], complete: false, error: null });
    (async () => {
      // a short first page shows the screen at once; the rest comes in larger pages behind it
      const first = await api<RollcallDetail>(`/rollcalls/${id}?limit=${FIRST_PAGE}`);
      if (cancelled) return;
      const firstRows = first.persons ?? [];
      const offsets: number[] = [];
      if (first.persons && firstRows.length === FIRST_PAGE) for (let o = FIRST_PAGE; o < first.expected; o += PAGE) offsets.push(o);
      setSheet({ detail: first, rows: firstRows, complete: offsets.length === 0, error: null });
      const pages: (SheetRow[] | undefined)[] = new Array(offsets.length);
      let next = 0;
      let shown = 0;
      const worker = async () => {
        while (next < offsets.length && !cancelled) {
          const k = next++;
          pages[k] = (await api<RollcallDetail>(`/rollcalls/${id}?limit=${PAGE}&offset=${offsets[k]}`)).persons ?? [];
          let upTo = shown;
          while (upTo < pages.length && pages[upTo]) upTo++;
          if (upTo > shown && !cancelled) {
            const add = pages.slice(shown, upTo).flat() as SheetRow[];
            shown = upTo;
            const done = shown === offsets.length;
            setSheet((s) => ({ ...s, rows: [...s.rows, ...add], complete: done }));
          }
        }
      };
      // an open roll call needs its whole list on the tablet soon (three pages at a time); a closed one is read, not
      // marked, so its pages come one at a time and leave the server free for other users' requests in between
      await Promise.all(Array.from({ length: first.status === 'open' ? 3 : 1 }, () => worker()));
    })().catch((error: unknown) => {
      if (!cancelled) setSheet((s) => ({ ...s, error }));
    });
    return () => {
      cancelled = true;
    };
  }, [id]);
  return sheet;
}

const newId = (): string =>
  typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) =>
        (Number(c) ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (Number(c) / 4)))).toString(16),
      );

export default function RollcallPage({ id }: { id: string }) {
  const session = useSession();
  const qc = useQueryClient();
  const sheet = useSheet(id);
  const facilityId = sheet.detail?.facilityId;
  const facility = useQuery({ queryKey: ['facility', facilityId], queryFn: () => api<FacilityDetail>(`/facilities/${facilityId}`), enabled: !!facilityId });
  const unitCode = useMemo(() => new Map((facility.data?.units ?? []).map((u) => [u.id, u.code])), [facility.data]);

  // Marks on this tablet: the latest verdict per person, and the queue not yet acknowledged by the server.
  const [marks, setMarks] = useState<Map<string, LocalMark>>(new Map());
  const pending = useRef<PendingMark[]>([]);
  const [pendingCount, setPendingCount] = useState(0);
  const [sendError, setSendError] = useState<unknown>(null);
  const sending = useRef<Promise<void> | null>(null);
  const [filter, setFilter] = useState<'unmarked' | 'all' | 'absent' | 'present' | 'excused'>('unmarked');
  const [unitFilter, setUnitFilter] = useState<string>('all');
  const [q, setQ] = useState('');
  const [closing, setClosing] = useState(false);
  const [closeError, setCloseError] = useState<unknown>(null);
  const [result, setResult] = useState<CloseResult | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [cancelReason, setCancelReason] = useState('');
  const [cancelError, setCancelError] = useState<unknown>(null);
  const [cancelBusy, setCancelBusy] = useState(false);
  const [cancelled, setCancelled] = useState<Rollcall['cancelled']>(null);

  useEffect(() => {
    // Marks already recorded (by any tablet) for the rows loaded so far; this tablet's own marks take precedence.
    const recorded = sheet.rows.filter((r) => r.mark);
    if (recorded.length) {
      setMarks((prev) => {
        const next = new Map(prev);
        for (const r of recorded) if (!next.has(r.personId)) next.set(r.personId, { result: r.mark!.result, reason: r.mark!.reason ?? undefined });
        return next;
      });
    }
  }, [sheet.rows]);
  useEffect(() => {
    if (sheet.detail?.status === 'closed' && sheet.detail.result) setResult(sheet.detail.result);
    if (sheet.detail?.status === 'cancelled' && sheet.detail.cancelled) setCancelled(sheet.detail.cancelled);
  }, [sheet.detail]);

  const flush = useCallback(async (): Promise<void> => {
    if (sending.current) return sending.current;
    if (pending.current.length === 0) return;
    const batch = pending.current.slice(0, 1000);
    // true when the batch left the queue (sent, or refused for good): only then does the next one go at once
    let moved = false;
    const run = (async () => {
      try {
        await api(`/rollcalls/${id}/marks`, {
          method: 'POST',
          body: { marks: batch.map((m) => ({ id: m.id, personId: m.personId, result: m.result, reason: m.reason, method: 'visual' })) },
        });
        pending.current = pending.current.slice(batch.length);
        moved = true;
        setSendError(null);
      } catch (err) {
        setSendError(err);
        // A refused batch (not a network failure) would be refused again: drop it so that the rest can go.
        if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 429) {
          pending.current = pending.current.slice(batch.length);
          moved = true;
        }
      } finally {
        setPendingCount(pending.current.length);
        sending.current = null;
      }
    })();
    sending.current = run;
    await run;
    // A network failure waits for the next interval instead of retrying in a tight loop.
    if (moved && pending.current.length) await flush();
  }, [id]);

  useEffect(() => {
    const t = setInterval(() => void flush(), 1500);
    return () => clearInterval(t);
  }, [flush]);

  const mark = useCallback((personId: string, result: MarkResult, reason?: string) => {
    setMarks((prev) => {
      const next = new Map(prev);
      next.set(personId, { result, reason });
      return next;
    });
    pending.current.push({ id: newId(), personId, result, reason, markedAt: new Date().toISOString() });
    setPendingCount(pending.current.length);
  }, []);

  const rows = sheet.rows;
  const detail = sheet.detail ?? undefined;
  const counts = useMemo(() => {
    let present = 0;
    let absent = 0;
    let excused = 0;
    for (const r of rows) {
      const m = marks.get(r.personId);
      if (m?.result === 'present') present++;
      else if (m?.result === 'absent') absent++;
      else if (m?.result === 'excused' || (!m && r.statusAtOpen === 'temporarily_out')) excused++;
    }
    const expected = detail?.persons && sheet.complete ? rows.length : (detail?.expected ?? 0);
    return { expected, present, absent, excused, unmarked: expected - present - absent - excused, delta: expected - present - excused };
  }, [rows, marks, detail, sheet.complete]);

  const units = useMemo(() => [...new Set(rows.map((r) => r.unitId ?? ''))].sort(), [rows]);
  const visible = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return rows.filter((r) => {
      const m = marks.get(r.personId);
      if (filter === 'unmarked' && m) return false;
      if (filter !== 'unmarked' && filter !== 'all' && m?.result !== filter) return false;
      if (unitFilter !== 'all' && (r.unitId ?? '') !== unitFilter) return false;
      if (needle && !(r.name ?? '').toLowerCase().includes(needle)) return false;
      return true;
    });
  }, [rows, marks, filter, unitFilter, q]);

  async function close() {
    setCloseError(null);
    try {
      await flush();
      while (sending.current) await sending.current;
      if (pending.current.length) await flush();
      const r = await api<CloseResult>(`/rollcalls/${id}/close`, { method: 'POST' });
      setResult(r);
      setClosing(false);
      void qc.invalidateQueries({ queryKey: ['rollcalls'] });
      void qc.invalidateQueries({ queryKey: ['alerts'] });
      void qc.invalidateQueries({ queryKey: ['facility'] });
      void qc.invalidateQueries({ queryKey: ['reports'] });
    } catch (err) {
      setCloseError(err);
    }
  }

  /**
   * Cancels the roll call (opened by mistake): the marks taken so far are sent first, so that they stay as evidence;
   * nothing is computed and nothing goes to the ledger. Refused (409) when it was closed or cancelled meanwhile: the
   * screen then shows what it has become.
   */
  async function cancel() {
    setCancelError(null);
    setCancelBusy(true);
    try {
      await flush().catch(() => undefined);
      const rc = await api<Rollcall>(`/rollcalls/${id}/cancel`, { method: 'POST', body: { reason: cancelReason.trim() } });
      pending.current = [];
      setPendingCount(0);
      setSendError(null);
      setCancelled(rc.cancelled ?? { at: new Date().toISOString(), by: session.userId, reason: cancelReason.trim() });
      setCancelling(false);
      void qc.invalidateQueries({ queryKey: ['rollcalls'] });
      void qc.invalidateQueries({ queryKey: ['facility'] });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        // What it has become, shown together with the refusal.
        const now = await api<RollcallDetail>(`/rollcalls/${id}?limit=0`).catch(() => null);
        if (now?.status === 'cancelled' && now.cancelled) setCancelled(now.cancelled);
        if (now?.status === 'closed' && now.result) setResult(now.result);
      }
      setCancelError(err);
    } finally {
      setCancelBusy(false);
    }
  }

  if (sheet.error) return <ErrorNote error={sheet.error} what="the roll call" />;
  if (!detail)
    return (
      <Group gap="sm">
        <Loader size="sm" />
        <Text>Loading the expected list…</Text>
      </Group>
    );
  const status = cancelled ? 'cancelled' : result ? 'closed' : detail.status;
  const open = status === 'open';
  const canMark = open && session.can('rollcall.run');

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h3">
            Roll call · {facility.data ? <Link to={`/facilities/${detail.facilityId}`}>{facility.data.name}</Link> : '…'}
          </Title>
          <Text size="sm" c="dimmed">
            Opened {shortTime(detail.openedAt)} · {detail.unitIds.length ? detail.unitIds.map((u) => unitCode.get(u) ?? '…').join(', ') : 'whole facility'} ·{' '}
            <Badge color={ROLLCALL_STATUS_COLOR[status] ?? 'gray'} size="sm" data-testid="rollcall-status">
              {status}
            </Badge>
          </Text>
        </div>
        {open && (
          <Group gap="xs">
            {!sheet.complete && detail?.persons && (
              <Badge color="gray" size="lg" data-testid="sheet-loading">
                loading the list: {num(rows.length)} of {num(detail.expected)}
              </Badge>
            )}
            {pendingCount > 0 && (
              <Badge color="yellow" size="lg" data-testid="pending-marks">
                {pendingCount} to send
              </Badge>
            )}
            {session.can('rollcall.run') && (
              <Button
                size="lg"
                color="red"
                variant="outline"
                onClick={() => {
                  setCancelError(null);
                  setCancelling(true);
                }}
                data-testid="cancel-rollcall"
              >
                Cancel roll call
              </Button>
            )}
            <Button size="lg" color="dark" onClick={() => setClosing(true)} data-testid="close-rollcall">
              Close roll call
            </Button>
          </Group>
        )}
      </Group>

      {cancelled && (
        <MAlert color="orange" title="Cancelled" data-testid="rollcall-cancelled">
          <Text size="sm">
            Cancelled {dateTime(cancelled.at)} by {cancelled.by && cancelled.by === session.userId ? `you (${session.username})` : 'another user'}:{' '}
            <Text span fw={600} data-testid="rollcall-cancel-reason" dir="auto">
              {cancelled.reason}
            </Text>
          </Text>
          <Text size="sm" mt={4}>
            No Delta was computed, nobody was recorded unaccounted and no alert was raised; the marks taken stay as evidence. The units can be counted again.
          </Text>
        </MAlert>
      )}

      <SimpleGrid cols={{ base: 3, sm: 6 }} spacing="xs" data-testid="rollcall-counters">
        <Counter label="Expected" value={counts.expected} testId="count-expected" />
        <Counter label="Present" value={counts.present} color="teal.8" testId="count-present" />
        <Counter label="Absent" value={counts.absent} color={counts.absent ? 'red.8' : undefined} testId="count-absent" />
        <Counter label="Excused" value={counts.excused} color="blue.8" testId="count-excused" />
        <Counter label="Not marked" value={counts.unmarked} testId="count-unmarked" />
        <Counter
          label="Delta"
          value={cancelled ? null : result ? result.delta : counts.delta}
          color={cancelled ? 'dimmed' : (result ? result.delta : counts.delta) > 0 ? 'red.8' : 'teal.8'}
          testId="count-delta"
          strong
        />
      </SimpleGrid>

      {sendError != null && (
        <MAlert
          color="orange"
          title={
            sendError instanceof ApiError && sendError.status < 500 && sendError.status !== 429
              ? 'The server refused some marks'
              : 'Some marks were not sent yet'
          }
        >
          {(sendError as Error).message}.{' '}
          {sendError instanceof ApiError && sendError.status < 500 && sendError.status !== 429
            ? 'Those marks were not recorded: check the persons concerned and mark them again.'
            : 'They stay on this tablet and are sent again automatically.'}
        </MAlert>
      )}

      {result && <ResultPanel result={result} rows={rows} unitCode={unitCode} />}

      {!detail.persons && <MAlert color="gray">Your role sees the counts of this roll call, not the names on its list.</MAlert>}

      {detail.persons && (
        <Paper withBorder radius="md">
          <Group p="xs" gap="xs" wrap="wrap">
            <SegmentedControl
              value={filter}
              onChange={(v) => setFilter(v as typeof filter)}
              data={[
                { value: 'unmarked', label: `Not marked (${num(counts.unmarked)})` },
                { value: 'all', label: 'All' },
                { value: 'absent', label: 'Absent' },
                { value: 'excused', label: 'Excused' },
                { value: 'present', label: 'Present' },
              ]}
              aria-label="Show"
              data-testid="rollcall-filter"
            />
            {units.length > 1 && (
              <SegmentedControl
                value={unitFilter}
                onChange={setUnitFilter}
                data={[{ value: 'all', label: 'All units' }, ...units.map((u) => ({ value: u, label: unitCode.get(u) ?? '–' }))]}
                aria-label="Unit"
              />
            )}
            <TextInput
              placeholder="Find a name"
              value={q}
              onChange={(e) => setQ(e.currentTarget.value)}
              aria-label="Find a name"
              dir="auto"
              style={{ flex: '1 1 180px' }}
            />
          </Group>
          <VirtualList rows={visible} marks={marks} unitCode={unitCode} onMark={canMark ? mark : undefined} />
        </Paper>
      )}

      <Modal opened={closing} onClose={() => setClosing(false)} title="Close the roll call?" size="md">
        <Stack>
          <Text>
            {num(counts.expected)} expected, {num(counts.present)} present, {num(counts.excused)} excused.
          </Text>
          {counts.unmarked + counts.absent > 0 ? (
            <MAlert color="red">
              {num(counts.absent)} marked absent and {num(counts.unmarked)} not marked will be recorded as <b>unaccounted</b> in the custody ledger (Delta{' '}
              {num(counts.delta)}), and alerts will be raised.
            </MAlert>
          ) : (
            <MAlert color="teal">Everyone expected is present or excused: Delta 0.</MAlert>
          )}
          <ErrorNote error={closeError} what="the close" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setClosing(false)}>
              Keep counting
            </Button>
            <Button color="dark" onClick={() => void close()} data-testid="confirm-close">
              Close now
            </Button>
          </Group>
        </Stack>
      </Modal>

      <Modal opened={cancelling} onClose={() => setCancelling(false)} title="Cancel the roll call?" size="md">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (open && cancelReason.trim().length >= MIN_REASON && !cancelBusy) void cancel();
          }}
        >
          <Stack>
            <Text size="sm">
              For a roll call opened by mistake (wrong units, wrong time). Nothing is computed: no Delta, nobody recorded unaccounted, no alerts. The marks
              taken so far stay as evidence, and the units can be counted again at once. To record the count, close it instead.
            </Text>
            <Textarea
              label="Reason"
              description={`Kept in the audit log (at least ${MIN_REASON} characters)`}
              placeholder="e.g. opened on the wrong block"
              value={cancelReason}
              onChange={(e) => setCancelReason(e.currentTarget.value)}
              autosize
              minRows={2}
              maxLength={500}
              size="md"
              dir="auto"
              ref={bidi('auto')}
              data-autofocus
              data-testid="cancel-reason"
            />
            <ApiErrorAlert error={cancelError} title="Not cancelled" testId="cancel-error" />
            <Group justify="flex-end">
              <Button variant="default" size="md" onClick={() => setCancelling(false)}>
                {open ? 'Keep the roll call' : 'Close this window'}
              </Button>
              {open && (
                <Button
                  type="submit"
                  color="red"
                  size="md"
                  loading={cancelBusy}
                  disabled={cancelReason.trim().length < MIN_REASON}
                  data-testid="confirm-cancel"
                >
                  Cancel the roll call
                </Button>
              )}
            </Group>
          </Stack>
        </form>
      </Modal>
    </Stack>
  );
}

function Counter({ label, value, color, testId, strong }: { label: string; value: number | null; color?: string; testId: string; strong?: boolean }) {
  return (
    <Paper withBorder p="xs" radius="md" bg={strong ? 'gray.0' : undefined}>
      <Text size="xs" tt="uppercase" fw={700} c="dimmed">
        {label}
      </Text>
      <Text fz={28} fw={800} lh={1.1} className="num" c={color} data-testid={testId} aria-live={strong ? 'polite' : undefined}>
        {num(value)}
      </Text>
    </Paper>
  );
}

const ROW_H = 68;

function VirtualList({
  rows,
  marks,
  unitCode,
  onMark,
}: {
  rows: SheetRow[];
  marks: Map<string, LocalMark>;
  unitCode: Map<string, string>;
  onMark?: (personId: string, result: MarkResult, reason?: string) => void;
}) {
  const parent = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => parent.current, estimateSize: () => ROW_H, overscan: 8 });
  return (
    <div
      ref={parent}
      style={{ height: 'calc(100vh - 330px)', minHeight: 320, overflow: 'auto' }}
      data-testid="rollcall-list"
      role="list"
      aria-label="Expected persons"
    >
      {rows.length === 0 && (
        <Text c="dimmed" p="md">
          Nobody in this view.
        </Text>
      )}
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((item) => {
          const r = rows[item.index]!;
          const m = marks.get(r.personId);
          return (
            <div
              key={r.personId}
              className="rollcall-row"
              role="listitem"
              data-testid="rollcall-row"
              data-person-id={r.personId}
              data-result={m?.result ?? ''}
              style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_H, transform: `translateY(${item.start}px)` }}
            >
              <div style={{ flex: 1, minWidth: 0 }}>
                <Name fw={600} truncate="end" display="block">
                  {r.name ?? r.personId.slice(0, 8)}
                </Name>
                <Text size="xs" c="dimmed">
                  {r.unitId ? (unitCode.get(r.unitId) ?? '') : ''}
                  {r.statusAtOpen !== 'in_custody' ? ` · ${statusLabel(r.statusAtOpen)}${r.outReason ? ` (${r.outReason})` : ''}` : ''}
                  {m ? ` · ${m.result}${m.reason ? ` (${m.reason})` : ''}` : ''}
                </Text>
              </div>
              {onMark && (
                <Group gap={8} wrap="nowrap">
                  <Button
                    className="big-target"
                    size="lg"
                    color="teal"
                    variant={m?.result === 'present' ? 'filled' : 'light'}
                    onClick={() => onMark(r.personId, 'present')}
                    aria-pressed={m?.result === 'present'}
                    data-testid="mark-present"
                  >
                    Present
                  </Button>
                  <Button
                    className="big-target"
                    size="lg"
                    color="red"
                    variant={m?.result === 'absent' ? 'filled' : 'light'}
                    onClick={() => onMark(r.personId, 'absent')}
                    aria-pressed={m?.result === 'absent'}
                    data-testid="mark-absent"
                  >
                    Absent
                  </Button>
                  <Menu position="bottom-end" withinPortal>
                    <Menu.Target>
                      <Button
                        className="big-target"
                        size="lg"
                        color="blue"
                        variant={m?.result === 'excused' ? 'filled' : 'light'}
                        aria-pressed={m?.result === 'excused'}
                        data-testid="mark-excused"
                      >
                        Excused
                      </Button>
                    </Menu.Target>
                    <Menu.Dropdown>
                      <Menu.Label>Excused: where?</Menu.Label>
                      {EXCUSES.map((e) => (
                        <Menu.Item key={e.value} onClick={() => onMark(r.personId, 'excused', e.value)} fz="md" py={10}>
                          {e.label}
                        </Menu.Item>
                      ))}
                    </Menu.Dropdown>
                  </Menu>
                </Group>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}

function ResultPanel({ result, rows, unitCode }: { result: CloseResult; rows: SheetRow[]; unitCode: Map<string, string> }) {
  const names = new Map(rows.map((r) => [r.personId, r]));
  // A kept result leaves its unaccounted list out above 1,000 persons: the sheet's outcomes name those loaded so far.
  const unaccounted = result.unaccounted ?? rows.filter((r) => r.outcome === 'unaccounted').map((r) => r.personId);
  const unaccountedCount = result.unaccountedCount ?? unaccounted.length;
  const shown = unaccounted.slice(0, 200);
  return (
    <Paper withBorder p="md" radius="md" data-testid="rollcall-result" bg={result.delta > 0 ? 'red.0' : 'teal.0'}>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          Result: Delta {num(result.delta)}
        </Title>
        <Text size="sm">
          {num(result.expected)} expected · {num(result.present)} present · {num(result.excused)} excused · closed {shortTime(result.closedAt)}
        </Text>
      </Group>
      {result.alerts && result.alerts.length > 0 && (
        <Text size="sm" mb="xs">
          {result.alerts.length} alert{result.alerts.length > 1 ? 's' : ''} raised. <Link to="/alerts">Open the alerts</Link>
        </Text>
      )}
      {result.byUnit.length > 1 && (
        <Table mb="sm" data-testid="result-units">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Unit</Table.Th>
              <Table.Th ta="right">Expected</Table.Th>
              <Table.Th ta="right">Present</Table.Th>
              <Table.Th ta="right">Excused</Table.Th>
              <Table.Th ta="right">Delta</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {result.byUnit.map((u) => (
              <Table.Tr key={u.unitId ?? 'none'}>
                <Table.Td>{u.unitId ? (unitCode.get(u.unitId) ?? '…') : 'no unit'}</Table.Td>
                <Table.Td ta="right">{num(u.expected)}</Table.Td>
                <Table.Td ta="right">{num(u.present)}</Table.Td>
                <Table.Td ta="right">{num(u.excused)}</Table.Td>
                <Table.Td ta="right" fw={700} c={u.delta > 0 ? 'red.8' : undefined}>
                  {num(u.delta)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {unaccountedCount > 0 && (
        <>
          <Text fw={600} size="sm">
            Unaccounted ({num(unaccountedCount)}), now recorded in the ledger:
          </Text>
          <Group gap={6} mt={4} data-testid="result-unaccounted">
            {shown.map((pid) => (
              <Badge key={pid} color="red" variant="light" size="lg" tt="none">
                <Name inherit>{names.get(pid)?.name ?? pid.slice(0, 8)}</Name>
              </Badge>
            ))}
            {unaccountedCount > shown.length && <Text size="sm">and {num(unaccountedCount - shown.length)} more</Text>}
          </Group>
        </>
      )}
    </Paper>
  );
}
