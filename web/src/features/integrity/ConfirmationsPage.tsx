// The queue of the two-person rule: releases and corrections of escapes in the officer's facilities that await a
// second officer, oldest first, with how many there are. Each opens the person's page, where it is confirmed.

import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Anchor, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { useRouter } from '../../lib/router';
import { useSession } from '../../lib/session';
import { confirmationsKey, pendingConfirmations } from './confirmations.api';

const PAGE = 50;

export default function ConfirmationsPage() {
  const { t, i18n } = useTranslation('guardintegrity');
  const { t: tr } = useTranslation('records');
  const { navigate } = useRouter();
  const session = useSession();
  const [offset, setOffset] = useState(0);
  const q = useQuery({ queryKey: [...confirmationsKey(), offset], queryFn: () => pendingConfirmations({ offset, limit: PAGE }) });
  const items = q.data?.items ?? [];
  return (
    <Stack gap="sm" data-testid="confirmations-page">
      <Title order={1} size="h3">
        {t('queue.title')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('queue.intro')}
      </Text>
      <ApiErrorAlert error={q.error} title={t('queue.notLoaded')} testId="confirmations-error" />
      <Text size="sm" data-testid="confirmations-count">
        {t('queue.count', { count: q.data?.total ?? 0 })}
      </Text>
      {items.length > 0 && (
        <Paper withBorder radius="md" style={{ overflowX: 'auto' }}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('queue.event')}</Table.Th>
                <Table.Th>{t('queue.person')}</Table.Th>
                <Table.Th>{t('queue.requestedBy')}</Table.Th>
                <Table.Th>{t('queue.requestedAt')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((c) => (
                <Table.Tr key={c.id} data-testid="confirmation-row">
                  <Table.Td>{tr(`type.${c.type}`)}</Table.Td>
                  <Table.Td>
                    <Anchor
                      href={`/persons/${c.personId}`}
                      onClick={(e) => {
                        e.preventDefault();
                        navigate(`/persons/${c.personId}`);
                      }}
                      className="mono"
                    >
                      {c.personId.slice(0, 8)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    {c.requestedByUsername}
                    {c.requestedByUsername === session.username ? ` (${t('queue.you')})` : ''}
                  </Table.Td>
                  <Table.Td>{new Date(c.requestedAt).toLocaleString(i18n.language)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      {(q.data?.total ?? 0) > PAGE && (
        <Group>
          <Button size="xs" variant="default" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            {t('queue.previous')}
          </Button>
          <Button size="xs" variant="default" disabled={offset + PAGE >= (q.data?.total ?? 0)} onClick={() => setOffset(offset + PAGE)}>
            {t('queue.next')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
