import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/Problems';
import { Name } from '../../components/Name';
import { api } from '../../lib/api';
import { dateTime, num } from '../../lib/format';
import { useSession } from '../../lib/session';
import { TRACING_STATUS_COLOR, useTracing, type Tracing } from './FamilyApi';

/** One tracing request: who asks, for whom, consent, proposed matches; a person decides each match with a reason. */
export default function FamilyTracingRequestPage({ id }: { id: string }) {
  const { t } = useTranslation('families');
  const session = useSession();
  const qc = useQueryClient();
  const request = useTracing(id);
  const [reason, setReason] = useState('');
  const act = useMutation({
    mutationFn: (a: { path: string; body?: unknown }) => api<Tracing>(`/tracing-requests/${id}${a.path}`, { method: 'POST', body: a.body }),
    onSuccess: (r) => {
      qc.setQueryData(['tracing', 'one', id], r);
      void qc.invalidateQueries({ queryKey: ['tracing'] });
      setReason('');
    },
  });
  const r = request.data;
  const canWrite = session.can('tracing.write') && r?.status === 'open' && !r.consent.withdrawnAt;
  return (
    <Stack gap="md" data-testid="tracing-request">
      <PageHeader title={r?.soughtName ?? t('tracing.title')} description={t('request.description')} />
      <ErrorNote error={request.error ?? act.error} what={t('tracing.what')} />
      {r && (
        <>
          <Paper withBorder p="sm" radius="md">
            <Group gap="md">
              <Badge color={TRACING_STATUS_COLOR[r.status]} data-testid="tracing-status">
                {t(`status.${r.status}`)}
              </Badge>
              <Text size="sm">{t(`requester.${r.requesterKind}`)}</Text>
              {r.requesterName && <Name inherit>{r.requesterName}</Name>}
              <Text size="sm">{r.relationship}</Text>
            </Group>
            <Text size="sm" mt="xs">
              {t('request.consent', { by: r.consent.givenBy ?? '–', at: dateTime(r.consent.at) })}
            </Text>
            {r.consent.withdrawnAt && (
              <Text size="sm" c="red">
                {t('request.withdrawn', { at: dateTime(r.consent.withdrawnAt) })}
              </Text>
            )}
            {r.details && <Text size="sm">{r.details}</Text>}
          </Paper>
          <Paper withBorder p="sm" radius="md">
            <Group justify="space-between" mb="xs">
              <Title order={2} size="h4">
                {t('request.matches', { count: r.matches.length })}
              </Title>
              {canWrite && (
                <Button size="xs" onClick={() => act.mutate({ path: '/matches' })} loading={act.isPending} data-testid="tracing-propose">
                  {t('request.propose')}
                </Button>
              )}
            </Group>
            <Text size="xs" c="dimmed" mb="xs">
              {t('request.matchNote')}
            </Text>
            <Table data-testid="tracing-matches">
              <Table.Tbody>
                {r.matches.map((m) => (
                  <Table.Tr key={m.id}>
                    <Table.Td>{m.name ? <Name inherit>{m.name}</Name> : t('view.noName')}</Table.Td>
                    <Table.Td>{num(Math.round(m.score * 100))}%</Table.Td>
                    <Table.Td>
                      <Badge variant="light">{t(`match.${m.status}`)}</Badge>
                    </Table.Td>
                    <Table.Td>
                      {canWrite && m.status === 'proposed' && (
                        <Group gap="xs">
                          <Button
                            size="xs"
                            color="teal"
                            disabled={!reason.trim()}
                            onClick={() => act.mutate({ path: `/matches/${m.id}/decision`, body: { decision: 'confirmed', reason } })}
                          >
                            {t('request.confirm')}
                          </Button>
                          <Button
                            size="xs"
                            variant="default"
                            disabled={!reason.trim()}
                            onClick={() => act.mutate({ path: `/matches/${m.id}/decision`, body: { decision: 'rejected', reason } })}
                          >
                            {t('request.reject')}
                          </Button>
                        </Group>
                      )}
                      {m.reason && <Text size="xs">{m.reason}</Text>}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
          {canWrite && (
            <Paper withBorder p="sm" radius="md">
              <TextInput label={t('request.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-testid="tracing-reason" />
              <Group mt="xs">
                <Button size="xs" variant="default" disabled={!reason.trim()} onClick={() => act.mutate({ path: '/close', body: { reason } })}>
                  {t('request.close')}
                </Button>
                <Button
                  size="xs"
                  color="red"
                  variant="light"
                  disabled={!reason.trim()}
                  onClick={() => act.mutate({ path: '/withdraw-consent', body: { reason } })}
                >
                  {t('request.withdraw')}
                </Button>
              </Group>
            </Paper>
          )}
        </>
      )}
    </Stack>
  );
}
