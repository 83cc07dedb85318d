import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Group, Paper, Select, Stack, Text, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { api } from '../../lib/api';
import { useFacilities, facilityOptions } from '../../lib/queries';
import type { BestInterestsBody } from '../../../../src/modules/cases/cases.families.dto';

type Move = 'transfer' | 'release' | 'repatriation';
type Decision = 'separation_approved' | 'separation_refused';

/** Whose move a determination may be for: the child, or a relative in the reader's scope. */
export interface Mover {
  id: string;
  label: string;
}

/**
 * Records the best-interests determination a move that separates a child from their carer needs (the 409
 * `families.best_interests_required` names it): whose move, which kind, where to for a transfer, the decision and why.
 * The server checks the rest (the mover is the child or a carer of theirs, the facility exists) and answers in the form.
 */
export function BestInterestsForm({ childId, movers }: { childId: string; movers: Mover[] }) {
  const { t } = useTranslation('families');
  const qc = useQueryClient();
  const facilities = useFacilities();
  const [moverId, setMoverId] = useState<string | null>(null);
  const [move, setMove] = useState<Move>('transfer');
  const [toFacilityId, setToFacilityId] = useState<string | null>(null);
  const [decision, setDecision] = useState<Decision | null>(null);
  const [reason, setReason] = useState('');
  const record = useMutation({
    mutationFn: (body: z.input<typeof BestInterestsBody>) => api(`/families/${childId}/best-interests`, { method: 'POST', body }),
    onSuccess: () => {
      setMoverId(null);
      setToFacilityId(null);
      setDecision(null);
      setReason('');
      void qc.invalidateQueries({ queryKey: ['family'] });
    },
  });
  const needsFacility = move === 'transfer';
  const ready = moverId && decision && reason.trim() && (!needsFacility || toFacilityId);
  const submit = () => {
    if (!ready) return;
    record.mutate({ moverId, move, decision, reason: reason.trim(), ...(needsFacility && toFacilityId ? { toFacilityId } : {}) });
  };
  return (
    <Paper withBorder p="sm" radius="md" data-testid="best-interests-form">
      <Stack gap="xs">
        <Text fw={600}>{t('determine.title')}</Text>
        <Text size="sm" c="dimmed">
          {t('determine.hint')}
        </Text>
        <Select
          label={t('determine.mover')}
          data={movers.map((m) => ({ value: m.id, label: m.label }))}
          value={moverId}
          onChange={setMoverId}
          data-testid="determine-mover"
        />
        <Select
          label={t('determine.move')}
          data={[
            { value: 'transfer', label: t('view.moveTransfer') },
            { value: 'release', label: t('view.moveRelease') },
            { value: 'repatriation', label: t('view.moveRepatriation') },
          ]}
          value={move}
          onChange={(v) => setMove((v as Move | null) ?? 'transfer')}
          allowDeselect={false}
          data-testid="determine-move"
        />
        {needsFacility && (
          <Select
            label={t('determine.toFacility')}
            data={facilityOptions(facilities.data)}
            value={toFacilityId}
            onChange={setToFacilityId}
            searchable
            data-testid="determine-facility"
          />
        )}
        <Select
          label={t('determine.decision')}
          data={[
            { value: 'separation_approved', label: t('decision.separation_approved') },
            { value: 'separation_refused', label: t('decision.separation_refused') },
          ]}
          value={decision}
          onChange={(v) => setDecision(v as Decision | null)}
          data-testid="determine-decision"
        />
        <Textarea label={t('determine.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-testid="determine-reason" />
        <ApiErrorAlert error={record.error} testId="determine-error" />
        <Group>
          <Button onClick={submit} loading={record.isPending} disabled={!ready} data-testid="determine-save">
            {t('determine.save')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
