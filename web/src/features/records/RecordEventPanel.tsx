// "Record an event": only the transitions the custody state machine allows from the person's current state (asked of
// the server, GET /persons/:id/events/allowed, so screen and server share one rule), with the fields each needs. A
// refusal shows the rule in words beside the form; what was typed stays.

import { useMemo, useState, type FormEvent } from 'react';
import { errorText } from '../../i18n/errors';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Group, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type FacilityDetail } from '../../lib/api';
import { useFacilities } from '../../lib/queries';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { allowedEventsKey, fetchAllowedEvents, localToIso, recordEvent, type EventForm } from './records.api';
import { requestEvent } from '../integrity/confirmations.api';
import { PendingConfirmation } from '../integrity/PendingConfirmation';

interface Draft {
  type: string | null;
  facilityId: string | null;
  unitId: string | null;
  reason: string;
  authority: string;
  occurredAt: string;
}

const EMPTY: Draft = { type: null, facilityId: null, unitId: null, reason: '', authority: '', occurredAt: '' };

export function RecordEventPanel({ personId, purpose }: { personId: string; purpose: string }) {
  const { t } = useTranslation('records');
  const { t: ti } = useTranslation('guardintegrity');
  const qc = useQueryClient();
  const allowed = useQuery({ queryKey: [...allowedEventsKey(personId), purpose], queryFn: () => fetchAllowedEvents(personId, purpose), staleTime: 0 });
  const facilities = useFacilities();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [missing, setMissing] = useState<string[]>([]);
  // (a time not written as yyyy-mm-dd hh:mm is 'missing' too: said on its field)
  const [done, setDone] = useState<string | null>(null);
  const [requested, setRequested] = useState(false);

  const state = allowed.data;
  const form: EventForm | undefined = state?.events.find((e) => e.type === draft.type);
  const needs = (f: EventForm['required'][number]) => !!form && (form.required.includes(f) || form.optional.includes(f));

  // The facility whose units may be chosen: the current one, the transfer's destination, or the one chosen.
  const unitFacility =
    form?.place === 'current'
      ? state?.facilityId
      : form?.place === 'destination'
        ? state?.destinationFacilityId
        : (draft.facilityId ?? (form?.type === 'RECAPTURED' ? state?.facilityId : null));
  const units = useQuery({
    queryKey: ['facility', unitFacility],
    queryFn: () => api<FacilityDetail>(`/facilities/${unitFacility}`),
    enabled: !!unitFacility && needs('unitId'),
  });

  const facilityOptions = useMemo(
    () =>
      (facilities.data ?? [])
        .filter((f) => form?.place !== 'other' || f.id !== state?.facilityId)
        .map((f) => ({ value: f.id, label: `${f.name} (${f.code})` })),
    [facilities.data, form?.place, state?.facilityId],
  );
  const unitOptions = (units.data?.units ?? [])
    .filter((u) => form?.type !== 'MOVED' || u.id !== state?.unitId)
    .map((u) => ({ value: u.id, label: `${u.name} (${u.code})` }));

  const save = useMutation({
    // the two-person rule: a release or a correction of an escape is requested, final when a second officer confirms
    mutationFn: () =>
      (form?.secondOfficer ? requestEvent : recordEvent)(personId, {
        type: draft.type as EventForm['type'],
        facilityId: needs('facilityId') ? (draft.facilityId ?? undefined) : undefined,
        unitId: needs('unitId') ? (draft.unitId ?? undefined) : undefined,
        reason: draft.reason.trim() || undefined,
        authority: draft.authority.trim() || undefined,
        occurredAt: localToIso(draft.occurredAt) ?? undefined,
      }),
    onSuccess: async () => {
      setDone(draft.type);
      setRequested(!!form?.secondOfficer);
      setDraft(EMPTY);
      await qc.invalidateQueries({ queryKey: ['person', personId] });
      await qc.invalidateQueries({ queryKey: ['confirmations'] });
    },
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!form) return;
    const lacking = form.required.filter((f) => {
      if (f === 'facilityId') return !draft.facilityId;
      if (f === 'unitId') return !draft.unitId;
      if (f === 'reason') return !draft.reason.trim();
      return false;
    });
    if (localToIso(draft.occurredAt) === null) lacking.push('occurredAt');
    setMissing(lacking);
    if (lacking.length) return;
    setDone(null);
    save.mutate();
  }

  const set = (patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setMissing([]);
    save.reset();
  };

  const refusal = save.error instanceof ApiError && save.error.status === 409 ? save.error : null;
  const status = state?.status;

  return (
    <Paper withBorder p="sm" radius="md" data-testid="record-event">
      <Title order={2} size="h4" mb={4}>
        {t('event.title')}
      </Title>
      {allowed.error ? (
        <ApiErrorAlert error={allowed.error} title={t('event.notLoaded')} testId="record-event-load-error" />
      ) : !state ? (
        <Text size="sm">{t('event.loading')}</Text>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="xs">
            <Text size="sm" c="dimmed" data-testid="record-event-status">
              {t('event.now', { status: t(`status.${status}`) })}
            </Text>
            <PendingConfirmation personId={personId} />
            {state.events.length === 0 ? (
              <Text size="sm" data-testid="record-event-none">
                {t('event.none', { status: t(`status.${status}`) })}
              </Text>
            ) : (
              <>
                <Select
                  label={t('event.type')}
                  placeholder={t('event.choose')}
                  data={state.events.map((e) => ({ value: e.type, label: t(`type.${e.type}`) }))}
                  value={draft.type}
                  onChange={(v) => set({ ...EMPTY, type: v })}
                  allowDeselect={false}
                  data-testid="event-type"
                  comboboxProps={{ withinPortal: true }}
                />
                {form && (
                  <Text size="xs" c="dimmed" data-testid="event-help">
                    {t(`help.${form.type}`)}
                  </Text>
                )}
                {form?.secondOfficer && (
                  <Text size="xs" c="orange" data-testid="event-second-officer">
                    {ti('event.secondOfficer')}
                  </Text>
                )}
                {form && needs('facilityId') && form.type !== 'TRANSFER_ARRIVED' && (
                  <Select
                    label={form.place === 'other' ? t('event.destination') : t('event.facility')}
                    placeholder={form.required.includes('facilityId') ? t('event.required') : t('event.optionalCurrent')}
                    data={facilityOptions}
                    value={draft.facilityId}
                    onChange={(v) => set({ facilityId: v, unitId: null })}
                    searchable
                    clearable={!form.required.includes('facilityId')}
                    withAsterisk={form.required.includes('facilityId')}
                    error={missing.includes('facilityId') ? t('event.missing.facilityId') : undefined}
                    data-testid="event-facility"
                  />
                )}
                {form && needs('unitId') && (
                  <Select
                    label={form.type === 'MOVED' ? t('event.toUnit') : t('event.unit')}
                    placeholder={unitFacility ? (form.required.includes('unitId') ? t('event.required') : t('event.optional')) : t('event.facilityFirst')}
                    data={unitOptions}
                    value={draft.unitId}
                    onChange={(v) => set({ unitId: v })}
                    disabled={!unitFacility}
                    searchable
                    clearable={!form.required.includes('unitId')}
                    withAsterisk={form.required.includes('unitId')}
                    error={missing.includes('unitId') ? t('event.missing.unitId') : undefined}
                    data-testid="event-unit"
                  />
                )}
                {form &&
                  needs('reason') &&
                  (form.reasons ? (
                    <Select
                      label={t('event.outReason')}
                      data={form.reasons.map((r) => ({ value: r, label: t(`outReason.${r}`) }))}
                      value={draft.reason || null}
                      onChange={(v) => set({ reason: v ?? '' })}
                      withAsterisk
                      error={missing.includes('reason') ? t('event.missing.reason') : undefined}
                      data-testid="event-reason"
                    />
                  ) : (
                    <TextInput
                      label={t('event.reason')}
                      value={draft.reason}
                      onChange={(e) => set({ reason: e.currentTarget.value })}
                      maxLength={200}
                      data-testid="event-reason"
                    />
                  ))}
                {form && needs('authority') && (
                  <TextInput
                    label={t('event.authority')}
                    description={t('event.authorityHelp')}
                    value={draft.authority}
                    onChange={(e) => set({ authority: e.currentTarget.value })}
                    maxLength={500}
                    data-testid="event-authority"
                  />
                )}
                {form && needs('occurredAt') && (
                  <TextInput
                    label={t('event.occurredAt')}
                    description={t('event.occurredAtHelp')}
                    placeholder={t('event.timePlaceholder')}
                    autoComplete="off"
                    maxLength={16}
                    value={draft.occurredAt}
                    onChange={(e) => set({ occurredAt: e.currentTarget.value })}
                    error={missing.includes('occurredAt') ? t('event.missing.occurredAt') : undefined}
                    data-testid="event-occurred"
                  />
                )}
                {refusal ? (
                  <Alert color="orange" role="alert" title={t('event.refused')} data-testid="event-refused" data-code={refusal.code}>
                    <Text size="sm">{errorText(refusal)}</Text>
                    <Text size="xs" c="dimmed" className="mono" mt={4}>
                      {refusal.status} {refusal.code}
                    </Text>
                  </Alert>
                ) : (
                  <ApiErrorAlert error={save.error} title={t('event.notSaved')} testId="event-error" />
                )}
                {done && !save.error && (
                  <Alert color={requested ? 'yellow' : 'teal'} data-testid={requested ? 'event-requested' : 'event-recorded'}>
                    {requested ? ti('event.awaiting', { type: t(`type.${done}`) }) : t('event.recorded', { type: t(`type.${done}`) })}
                  </Alert>
                )}
                <Group justify="flex-end">
                  <Button type="submit" disabled={!form} loading={save.isPending} data-testid="event-submit">
                    {form?.secondOfficer
                      ? ti('event.request', { type: t(`type.${form.type}`) })
                      : form
                        ? t('event.record', { type: t(`type.${form.type}`) })
                        : t('event.recordAny')}
                  </Button>
                </Group>
              </>
            )}
          </Stack>
        </form>
      )}
    </Paper>
  );
}
