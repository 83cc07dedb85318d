import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Select, Stack, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';

const STATUSES = ['open', 'follow_up', 'closed'] as const;

/** A staff incident report's follow-up and status (PATCH /staff-reports/:id), by those who manage incidents. */
export function ReportFollowUp({ report, onDone }: { report: { id: string; status: string; followUp: string | null }; onDone: () => void }) {
  const { t } = useTranslation('sensors');
  const qc = useQueryClient();
  const [status, setStatus] = useState<string | null>(report.status);
  const [followUp, setFollowUp] = useState(report.followUp ?? '');
  const body = {
    ...(status && status !== report.status ? { status } : {}),
    ...(followUp.trim() && followUp.trim() !== (report.followUp ?? '') ? { followUp: followUp.trim() } : {}),
  };
  const save = useMutation({
    mutationFn: () => api(`/staff-reports/${report.id}`, { method: 'PATCH', body, purpose: 'follow-up of a staff incident report' }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['sensors', 'reports'] });
      onDone();
    },
  });
  return (
    <Stack gap="sm" data-testid="report-follow-up">
      <Select
        label={t('admin.reports.status')}
        data={STATUSES.map((s) => ({ value: s, label: t(`reportStatus.${s}`) }))}
        value={status}
        onChange={setStatus}
        allowDeselect={false}
        data-testid="report-status"
      />
      <Textarea
        label={t('admin.reports.followUp')}
        value={followUp}
        onChange={(e) => setFollowUp(e.currentTarget.value)}
        autosize
        minRows={2}
        data-testid="report-follow-up-text"
      />
      <ApiErrorAlert error={save.error} />
      <Button onClick={() => save.mutate()} loading={save.isPending} disabled={Object.keys(body).length === 0} data-testid="report-save">
        {t('admin.edit.save')}
      </Button>
    </Stack>
  );
}
