import { useState, type ReactNode } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Group, NumberInput, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { Link } from '../../components/Link';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/Problems';
import { StatCard } from '../../components/StatCard';
import { api } from '../../lib/api';
import { dateTime, num } from '../../lib/format';
import { useSession } from '../../lib/session';
import { instantOf, OUTCOME_MONTHS, REINTEGRATION_OUTCOMES, useReintegrationCase, type ReintegrationCase } from './cases.api';

/** One reintegration case after release: the plan, the check-ins and the outcomes at 6, 12 and 24 months. */
export default function ReintegrationCasePage({ id }: { id: string }) {
  const { t } = useTranslation('casework');
  const s = useSession();
  const q = useReintegrationCase(id);
  const r = q.data;
  const write = s.can('cases.write');
  return (
    <Stack gap="md" data-testid="reintegration-page">
      <PageHeader
        title={t('case.title', { name: r?.personName ?? '…' })}
        description={r ? `${t(`reason.${r.reason}`, { defaultValue: r.reason })} · ${dateTime(r.releasedAt)}` : undefined}
        actions={
          <Group gap="sm">
            {r && s.can('persons.read') && <Link to={`/persons/${r.personId}`}>{t('case.record')}</Link>}
            <Link to="/reintegration">{t('case.back')}</Link>
          </Group>
        }
      />
      <ErrorNote error={q.error} what={t('case.what')} />
      {r && (
        <>
          <SimpleGrid cols={{ base: 2, md: 4 }}>
            <StatCard label={t('col.programme')} value={r.programme ?? t('list.noPlan')} testId="reintegration-programme" />
            <StatCard
              label={t('case.rhythm')}
              value={r.checkinEveryDays ? t('case.everyDays', { n: num(r.checkinEveryDays) }) : '–'}
              testId="reintegration-rhythm"
            />
            <StatCard label={t('col.lastCheckin')} value={r.lastCheckinAt ? dateTime(r.lastCheckinAt) : '–'} />
            <StatCard
              label={t('col.nextCheckin')}
              value={dateTime(r.nextCheckinAt)}
              color={r.checkinMissed ? 'red' : undefined}
              hint={r.checkinMissed ? t('list.missed') : undefined}
              testId="reintegration-next"
            />
          </SimpleGrid>
          {r.casePlan && (
            <Paper withBorder p="sm">
              <Text size="sm" fw={600}>
                {t('plan.casePlan')}
              </Text>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="reintegration-plan">
                {r.casePlan}
              </Text>
            </Paper>
          )}
          {write && (
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <PlanForm r={r} />
              <CheckinForm r={r} />
            </SimpleGrid>
          )}
          <Title order={2} size="h4">
            {t('case.checkins', { n: num(r.checkins.length) })}
          </Title>
          {r.checkins.length === 0 ? (
            <Text c="dimmed">{t('case.none')}</Text>
          ) : (
            <Table data-testid="reintegration-checkins">
              <Table.Tbody>
                {r.checkins.map((c) => (
                  <Table.Tr key={c.id} data-testid="checkin-row">
                    <Table.Td>{dateTime(c.heldAt)}</Table.Td>
                    <Table.Td>{c.note}</Table.Td>
                    <Table.Td c="dimmed">{c.recordedBy}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Title order={2} size="h4">
            {t('case.outcomes')}
          </Title>
          <Table data-testid="reintegration-outcomes">
            <Table.Tbody>
              {OUTCOME_MONTHS.map((m) => {
                const o = r.outcomes.find((x) => x.month === m);
                return (
                  <Table.Tr key={m} data-testid={`outcome-${m}`}>
                    <Table.Td>{t('outcome.month', { n: m })}</Table.Td>
                    <Table.Td>
                      {o ? (
                        <Badge variant="light">{t(`outcome.${o.outcome}`)}</Badge>
                      ) : (
                        <Text size="sm" c="dimmed">
                          {t('outcome.from', { at: dateTime(monthsAfter(r.releasedAt, m)) })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{o?.note ?? ''}</Table.Td>
                    <Table.Td c="dimmed">{o ? `${o.recordedBy} · ${dateTime(o.recordedAt)}` : ''}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
          {write && r.outcomes.length < OUTCOME_MONTHS.length && <OutcomeForm r={r} />}
        </>
      )}
    </Stack>
  );
}

/** `months` calendar months after an instant (the day clipped to the month's last), as the server counts them. */
function monthsAfter(iso: string, months: number): string {
  const d = new Date(iso);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.toISOString();
}

function useReintegrationChange<B>(r: ReintegrationCase, path: string, method: 'POST' | 'PUT', after: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: B) => api<ReintegrationCase>(`/cases/reintegration/${r.id}${path}`, { method, body }),
    onSuccess: (next) => {
      qc.setQueryData(['cases', 'reintegration', r.id], next);
      void qc.invalidateQueries({ queryKey: ['cases'] });
      after();
    },
  });
}

function FormCard({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <Paper withBorder p="sm" data-testid={testId}>
      <Stack gap="xs">
        <Text fw={600}>{title}</Text>
        {children}
      </Stack>
    </Paper>
  );
}

function PlanForm({ r }: { r: ReintegrationCase }) {
  const { t } = useTranslation('casework');
  const [programme, setProgramme] = useState(r.programme ?? '');
  const [casePlan, setCasePlan] = useState(r.casePlan ?? '');
  const [every, setEvery] = useState<number | string>(r.checkinEveryDays ?? 30);
  const save = useReintegrationChange<{ programme: string; casePlan: string; checkinEveryDays: number }>(r, '/plan', 'PUT', () => undefined);
  const days = typeof every === 'number' ? every : Number.parseInt(every, 10);
  return (
    <FormCard title={r.programme ? t('plan.change') : t('plan.set')} testId="plan-form">
      <TextInput label={t('col.programme')} value={programme} onChange={(e) => setProgramme(e.currentTarget.value)} data-testid="plan-programme" />
      <Textarea label={t('plan.casePlan')} autosize minRows={3} value={casePlan} onChange={(e) => setCasePlan(e.currentTarget.value)} data-testid="plan-text" />
      <NumberInput label={t('plan.every')} min={1} max={365} value={every} onChange={setEvery} data-testid="plan-every" />
      <ApiErrorAlert error={save.error} testId="plan-error" />
      <Group>
        <Button
          onClick={() => save.mutate({ programme: programme.trim(), casePlan: casePlan.trim(), checkinEveryDays: days })}
          loading={save.isPending}
          disabled={!programme.trim() || !casePlan.trim() || !Number.isInteger(days) || days < 1 || days > 365}
          data-testid="plan-save"
        >
          {t('action.save')}
        </Button>
      </Group>
    </FormCard>
  );
}

function CheckinForm({ r }: { r: ReintegrationCase }) {
  const { t } = useTranslation('casework');
  const [heldAt, setHeldAt] = useState('');
  const [note, setNote] = useState('');
  const save = useReintegrationChange<{ heldAt?: string; note: string }>(r, '/checkins', 'POST', () => {
    setHeldAt('');
    setNote('');
  });
  return (
    <FormCard title={t('checkin.title')} testId="checkin-form">
      <TextInput
        type="datetime-local"
        label={t('checkin.heldAt')}
        description={t('checkin.defaultNow')}
        value={heldAt}
        onChange={(e) => setHeldAt(e.currentTarget.value)}
        data-testid="checkin-at"
      />
      <Textarea label={t('checkin.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} data-testid="checkin-note" />
      <ApiErrorAlert error={save.error} testId="checkin-error" />
      <Group>
        <Button
          onClick={() => save.mutate({ heldAt: instantOf(heldAt), note: note.trim() })}
          loading={save.isPending}
          disabled={!note.trim()}
          data-testid="checkin-save"
        >
          {t('action.save')}
        </Button>
      </Group>
    </FormCard>
  );
}

/** An outcome at 6, 12 or 24 months; the server refuses one before its month (the message says from when). */
function OutcomeForm({ r }: { r: ReintegrationCase }) {
  const { t } = useTranslation('casework');
  const open = OUTCOME_MONTHS.filter((m) => !r.outcomes.some((o) => o.month === m));
  const [month, setMonth] = useState<string | null>(String(open[0] ?? 6));
  const [outcome, setOutcome] = useState<string | null>('in_progress');
  const [note, setNote] = useState('');
  const save = useReintegrationChange<{ month: number; outcome: string; note: string }>(r, '/outcomes', 'POST', () => setNote(''));
  return (
    <FormCard title={t('outcome.title')} testId="outcome-form">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Select
          label={t('outcome.at')}
          data={open.map((m) => ({ value: String(m), label: t('outcome.month', { n: m }) }))}
          value={month}
          onChange={setMonth}
          allowDeselect={false}
          data-testid="outcome-month"
        />
        <Select
          label={t('outcome.label')}
          data={REINTEGRATION_OUTCOMES.map((o) => ({ value: o, label: t(`outcome.${o}`) }))}
          value={outcome}
          onChange={setOutcome}
          allowDeselect={false}
          data-testid="outcome-value"
        />
      </SimpleGrid>
      <Textarea label={t('checkin.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} data-testid="outcome-note" />
      <ApiErrorAlert error={save.error} testId="outcome-error" />
      <Group>
        <Button
          onClick={() => month && outcome && save.mutate({ month: Number(month), outcome, note: note.trim() })}
          loading={save.isPending}
          disabled={!month || !note.trim()}
          data-testid="outcome-save"
        >
          {t('action.save')}
        </Button>
      </Group>
    </FormCard>
  );
}
