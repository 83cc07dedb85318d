// On the person page's "record an event" panel: a release or a correction of an escape that awaits a second officer.
// The requester sees "awaiting a second officer" (and may withdraw); another officer may confirm it or reject it with
// a reason. The server refuses the requester's own confirmation (409) whatever this screen shows.

import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { useSession } from '../../lib/session';
import { confirmationsKey, confirmRequest, pendingConfirmations, rejectRequest } from './confirmations.api';

export function PendingConfirmation({ personId }: { personId: string }) {
  const { t, i18n } = useTranslation('guardintegrity');
  const { t: tr } = useTranslation('records');
  const session = useSession();
  const qc = useQueryClient();
  const canConfirm = session.can('custody.confirm');
  const pending = useQuery({ queryKey: confirmationsKey(personId), queryFn: () => pendingConfirmations({ personId }), enabled: canConfirm });
  const [reason, setReason] = useState('');
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: ['confirmations'] });
    await qc.invalidateQueries({ queryKey: ['person', personId] });
  };
  const confirm = useMutation({ mutationFn: (id: string) => confirmRequest(id), onSuccess: refresh });
  const reject = useMutation({ mutationFn: (id: string) => rejectRequest(id, reason.trim()), onSuccess: refresh });
  const c = pending.data?.items[0];
  if (!canConfirm || !c) return null;
  const mine = c.requestedByUsername === session.username;
  return (
    <Alert color="yellow" title={t('pending.title')} data-testid="second-officer-pending" data-type={c.type}>
      <Stack gap={6}>
        <Text size="sm">
          {t('pending.what', {
            type: tr(`type.${c.type}`),
            who: c.requestedByUsername,
            when: new Date(c.requestedAt).toLocaleString(i18n.language),
          })}
        </Text>
        {c.request.authority && <Text size="xs">{t('pending.authority', { authority: c.request.authority })}</Text>}
        <Text size="xs" c="dimmed">
          {mine ? t('pending.mine') : t('pending.yours')}
        </Text>
        <ApiErrorAlert error={confirm.error ?? reject.error} title={t('pending.failed')} testId="second-officer-error" />
        <Group gap="xs" align="flex-end" wrap="wrap">
          {!mine && (
            <Button size="xs" color="teal" loading={confirm.isPending} onClick={() => confirm.mutate(c.id)} data-testid="second-officer-confirm">
              {t('pending.confirm', { type: tr(`type.${c.type}`) })}
            </Button>
          )}
          <TextInput
            size="xs"
            label={t('pending.reason')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            maxLength={500}
            data-testid="second-officer-reason"
          />
          <Button
            size="xs"
            variant="light"
            color="red"
            disabled={reason.trim().length < 3}
            loading={reject.isPending}
            onClick={() => reject.mutate(c.id)}
            data-testid="second-officer-reject"
          >
            {mine ? t('pending.withdraw') : t('pending.reject')}
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}
