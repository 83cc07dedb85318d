import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Divider, Group, NumberInput, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../../lib/api';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import type { SensorResponse } from '../../../../src/modules/sensors/sensors.dto';

type Sensor = z.input<typeof SensorResponse>;

/**
 * A placed sensor's details (name, sector, position, heartbeat interval; its code and kind are its identity on the
 * wire) and taking it out of service with a reason: it stays listed with its events, and what it still sends is
 * dead-lettered.
 */
export function SensorEditor({ sensor, onDone }: { sensor: Sensor; onDone: () => void }) {
  const { t } = useTranslation('sensors');
  const qc = useQueryClient();
  const [form, setForm] = useState({ name: sensor.name, sector: sensor.sector, x: sensor.x, y: sensor.y, heartbeatSeconds: sensor.heartbeatSeconds });
  const [reason, setReason] = useState('');
  const changed = Object.fromEntries(Object.entries(form).filter(([k, v]) => v !== sensor[k as keyof typeof form]));
  const done = async () => {
    await qc.invalidateQueries({ queryKey: ['sensors'] });
    onDone();
  };
  const save = useMutation({ mutationFn: () => api(`/sensors/${sensor.id}`, { method: 'PATCH', body: changed }), onSuccess: done });
  const decommission = useMutation({
    mutationFn: () => api(`/sensors/${sensor.id}/decommission`, { method: 'POST', body: { reason: reason.trim() } }),
    onSuccess: done,
  });
  const out = sensor.state === 'decommissioned';
  return (
    <Stack gap="sm" data-testid="sensor-editor">
      {out && <Text size="sm">{t('admin.edit.outOfService')}</Text>}
      <TextInput label={t('admin.sensors.name')} value={form.name} onChange={(e) => setForm({ ...form, name: e.currentTarget.value })} disabled={out} />
      <TextInput label={t('sectors.sector')} value={form.sector} onChange={(e) => setForm({ ...form, sector: e.currentTarget.value })} disabled={out} />
      <Group grow>
        <NumberInput label="x" min={0} max={1000} value={form.x} onChange={(v) => setForm({ ...form, x: Number(v) || 0 })} disabled={out} />
        <NumberInput label="y" min={0} max={1000} value={form.y} onChange={(v) => setForm({ ...form, y: Number(v) || 0 })} disabled={out} />
      </Group>
      <NumberInput
        label={t('admin.edit.heartbeat')}
        min={5}
        max={86_400}
        value={form.heartbeatSeconds}
        onChange={(v) => setForm({ ...form, heartbeatSeconds: Number(v) || 0 })}
        disabled={out}
      />
      <ApiErrorAlert error={save.error} />
      <Button onClick={() => save.mutate()} loading={save.isPending} disabled={out || Object.keys(changed).length === 0} data-testid="sensor-save">
        {t('admin.edit.save')}
      </Button>
      {!out && (
        <>
          <Divider />
          <Textarea
            label={t('admin.edit.reason')}
            description={t('admin.edit.reasonHint')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            autosize
            minRows={1}
            data-testid="sensor-decommission-reason"
          />
          <ApiErrorAlert error={decommission.error} />
          <Button
            color="red"
            variant="light"
            onClick={() => decommission.mutate()}
            loading={decommission.isPending}
            disabled={!reason.trim()}
            data-testid="sensor-decommission"
          >
            {t('admin.edit.decommission')}
          </Button>
        </>
      )}
    </Stack>
  );
}
