import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Group, NumberInput, SimpleGrid, Stack, Switch, TagsInput, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type FacilityDetail } from '../lib/api';
import { dateTime } from '../lib/format';
import { useSession } from '../lib/session';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { Link } from '../components/Link';
import { ErrorNote } from '../components/Problems';
import { PageHeader } from '../components/PageHeader';
import { Panel } from '../components/Panel';
import type { AlertRules } from '../features/admin/admin.api';
import type { ScheduleResponse } from '../../../src/modules/rollcalls/rollcalls.dto';

type NumberRule = 'massAbsenceCount' | 'massAbsencePercent' | 'massAbsenceMinUnit' | 'consecutiveAbsences' | 'escalateAfterMinutes';
type SwitchRule = 'anyDelta' | 'missedRollcall' | 'overCapacity';
const NUMBER_RULES: NumberRule[] = ['massAbsenceCount', 'massAbsencePercent', 'massAbsenceMinUnit', 'consecutiveAbsences', 'escalateAfterMinutes'];
const SWITCH_RULES: SwitchRule[] = ['anyDelta', 'missedRollcall', 'overCapacity'];

/** The messages the API gave per field (zod issue paths), for the fields that sent them. */
function fieldErrors(error: unknown): Record<string, string> {
  const issues = error instanceof ApiError ? ((error.details as { issues?: { path: string; message: string }[] } | undefined)?.issues ?? []) : [];
  return Object.fromEntries(issues.map((i) => [i.path.split('.')[0] ?? '', i.message]));
}

/**
 * A facility's settings: the alert thresholds (alerts.read to see them, alerts.configure to change them) and the
 * roll-call schedule (facilities.write to change it). What the API refuses shows on the field and beside the button.
 */
export default function FacilitySettingsPage({ id }: { id: string }) {
  const { t } = useTranslation('admin');
  const session = useSession();
  const facility = useQuery({ queryKey: ['facility', id], queryFn: () => api<FacilityDetail>(`/facilities/${id}`) });
  return (
    <Stack gap="md">
      <PageHeader
        title={t('settings.title', { name: facility.data?.name ?? '' })}
        description={t('settings.description')}
        actions={<Link to={`/facilities/${id}`}>{t('settings.back')}</Link>}
      />
      <ErrorNote error={facility.error} what={t('settings.title', { name: '' })} />
      {session.can('alerts.read') && <AlertRulesForm facilityId={id} editable={session.can('alerts.configure')} />}
      <ScheduleForm facilityId={id} editable={session.can('facilities.write')} />
    </Stack>
  );
}

function AlertRulesForm({ facilityId, editable }: { facilityId: string; editable: boolean }) {
  const { t } = useTranslation('admin');
  const qc = useQueryClient();
  const rules = useQuery({ queryKey: ['alert-rules', facilityId], queryFn: () => api<AlertRules>(`/facilities/${facilityId}/alert-rules`) });
  const [draft, setDraft] = useState<Record<string, number | string | boolean>>({});
  useEffect(() => {
    if (rules.data) setDraft({ ...rules.data });
  }, [rules.data]);
  const save = useMutation({
    // NumberInput gives '' for an emptied field: sent as is, so the API names the field it cannot take
    mutationFn: () => api<AlertRules>(`/facilities/${facilityId}/alert-rules`, { method: 'PUT', body: draft }),
    onSuccess: (saved) => qc.setQueryData(['alert-rules', facilityId], saved),
  });
  const errors = fieldErrors(save.error);
  if (rules.error) return <ErrorNote error={rules.error} what={t('settings.rulesTitle')} />;
  if (!rules.data) return null;
  return (
    <Panel title={t('settings.rulesTitle')} description={t('settings.rulesDescription')} testId="alert-rules">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
            {NUMBER_RULES.map((k) => (
              <NumberInput
                key={k}
                label={t(`settings.rules.${k}`)}
                description={t(`settings.rulesHint.${k}`)}
                value={draft[k] as number | string}
                onChange={(v) => setDraft((d) => ({ ...d, [k]: v }))}
                error={errors[k]}
                disabled={!editable}
                allowDecimal={k === 'massAbsencePercent'}
                data-testid={`rule-${k}`}
              />
            ))}
          </SimpleGrid>
          <Group gap="lg">
            {SWITCH_RULES.map((k) => (
              <Switch
                key={k}
                label={t(`settings.rules.${k}`)}
                checked={draft[k] === true}
                onChange={(e) => {
                  const checked = e.currentTarget.checked;
                  setDraft((d) => ({ ...d, [k]: checked }));
                }}
                disabled={!editable}
                data-testid={`rule-${k}`}
              />
            ))}
          </Group>
          <ApiErrorAlert error={save.error} title={t('notSaved')} testId="rules-error" />
          {save.isSuccess && !save.isPending && (
            <Text size="sm" c="teal.8" data-testid="rules-saved">
              {t('settings.saved')}
            </Text>
          )}
          {editable ? (
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending} data-testid="rules-save">
                {t('save')}
              </Button>
            </Group>
          ) : (
            <Text size="sm" c="dimmed">
              {t('settings.readOnly')}
            </Text>
          )}
        </Stack>
      </form>
    </Panel>
  );
}

function ScheduleForm({ facilityId, editable }: { facilityId: string; editable: boolean }) {
  const { t } = useTranslation('admin');
  const qc = useQueryClient();
  const schedule = useQuery({
    queryKey: ['rollcall-schedule', facilityId],
    queryFn: () => api<ScheduleResponse | null>(`/facilities/${facilityId}/rollcall-schedule`),
  });
  const [times, setTimes] = useState<string[]>([]);
  const [grace, setGrace] = useState<number | string>(30);
  const [duration, setDuration] = useState<number | string>(60);
  const [offset, setOffset] = useState<number | string>(0);
  const [active, setActive] = useState(true);
  useEffect(() => {
    const s = schedule.data;
    if (!s) return;
    setTimes(s.times);
    setGrace(s.graceMinutes);
    setDuration(s.durationMinutes);
    setOffset(s.utcOffsetMinutes);
    setActive(s.active);
  }, [schedule.data]);
  const save = useMutation({
    mutationFn: () =>
      api<ScheduleResponse>(`/facilities/${facilityId}/rollcall-schedule`, {
        method: 'PUT',
        body: { times, graceMinutes: grace, durationMinutes: duration, utcOffsetMinutes: offset, active },
      }),
    onSuccess: (saved) => qc.setQueryData(['rollcall-schedule', facilityId], saved),
  });
  const errors = fieldErrors(save.error);
  if (schedule.error) return <ErrorNote error={schedule.error} what={t('settings.scheduleTitle')} />;
  if (schedule.isPending) return null;
  return (
    <Panel
      title={t('settings.scheduleTitle')}
      description={schedule.data ? t('settings.scheduleUpdated', { at: dateTime(schedule.data.updatedAt) }) : t('settings.noSchedule')}
      testId="rollcall-schedule"
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack gap="sm">
          <TagsInput
            label={t('settings.times')}
            description={t('settings.timesHint')}
            value={times}
            onChange={setTimes}
            error={errors.times}
            disabled={!editable}
            data-testid="schedule-times"
          />
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <NumberInput label={t('settings.grace')} value={grace} onChange={setGrace} error={errors.graceMinutes} disabled={!editable} />
            <NumberInput label={t('settings.duration')} value={duration} onChange={setDuration} error={errors.durationMinutes} disabled={!editable} />
            <NumberInput label={t('settings.utcOffset')} value={offset} onChange={setOffset} error={errors.utcOffsetMinutes} disabled={!editable} />
          </SimpleGrid>
          <Switch label={t('settings.scheduleActive')} checked={active} onChange={(e) => setActive(e.currentTarget.checked)} disabled={!editable} />
          <ApiErrorAlert error={save.error} title={t('notSaved')} testId="schedule-error" />
          {editable && (
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending} data-testid="schedule-save">
                {t('save')}
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Panel>
  );
}
