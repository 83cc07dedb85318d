import type { MouseEvent } from 'react';
import { Badge, Button, Group, Paper, ScrollArea, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/Problems';
import { StatCard } from '../../components/StatCard';
import { Link } from '../../components/Link';
import { bearerToken, download } from '../../lib/api';
import { num } from '../../lib/format';
import { useSession } from '../../lib/session';
import { useRepatriationFigures } from './repatriation.api';

const CSV = '/repatriation/figures?format=csv';

/** The link downloads with the session cookie; in bearer mode the file is fetched with the header instead. */
function csvClick(e: MouseEvent) {
  if (!bearerToken()) return;
  e.preventDefault();
  void download(CSV, 'custos-repatriation.csv');
}

/**
 * The state liaison's dashboard ("France: 450 held, 30 requested, 12 accepted"): per state, its nationals held and its
 * requests by stage, overdue ones in red. A liaison sees their own state only; others see every state.
 */
export default function RepatriationDashboardPage() {
  const { t } = useTranslation('repatriation');
  const session = useSession();
  const figures = useRepatriationFigures();
  const f = figures.data;
  const own = session.nationalities.length > 0;
  return (
    <Stack gap="md" data-testid="repatriation-dashboard">
      <PageHeader
        title={own ? t('dashboard.titleOwn', { states: session.nationalities.join(', ') }) : t('dashboard.title')}
        description={t('dashboard.description')}
        actions={
          <Group gap="xs">
            <Button component="a" variant="light" href={`/api/v1${CSV}`} onClick={csvClick} data-testid="repatriation-csv">
              {t('dashboard.csv')}
            </Button>
            <Link to="/repatriation/requests" data-testid="repatriation-requests-link">
              {t('dashboard.allRequests')}
            </Link>
          </Group>
        }
      />
      <ErrorNote error={figures.error} what={t('dashboard.what')} />
      {f && (
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          <StatCard label={t('figure.held')} value={num(f.totals.held)} testId="repatriation-held" />
          <StatCard label={t('figure.requested')} value={num(f.totals.requested + f.totals.consularInterview)} testId="repatriation-open" />
          <StatCard label={t('figure.accepted')} value={num(f.totals.accepted + f.totals.travelDocuments)} testId="repatriation-accepted" />
          <StatCard label={t('figure.overdue')} value={num(f.totals.overdue)} color={f.totals.overdue > 0 ? 'red' : undefined} testId="repatriation-overdue" />
        </SimpleGrid>
      )}
      {f && (
        <Paper withBorder radius="md" p="xs">
          {f.states.length === 0 ? (
            <Text c="dimmed">{t('dashboard.none')}</Text>
          ) : (
            <ScrollArea>
              <Table striped data-testid="repatriation-states">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('column.state')}</Table.Th>
                    <Table.Th>{t('figure.held')}</Table.Th>
                    <Table.Th>{t('stage.requested')}</Table.Th>
                    <Table.Th>{t('stage.consular_interview')}</Table.Th>
                    <Table.Th>{t('stage.accepted')}</Table.Th>
                    <Table.Th>{t('stage.travel_documents')}</Table.Th>
                    <Table.Th>{t('stage.handed_over')}</Table.Th>
                    <Table.Th>{t('stage.refused')}</Table.Th>
                    <Table.Th>{t('figure.overdue')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {f.states.map((s) => (
                    <Table.Tr key={s.state} data-testid={`repatriation-state-${s.state}`}>
                      <Table.Td>
                        <Link to={`/repatriation/requests?state=${s.state}`}>{s.state}</Link>
                        <Text size="xs" c="dimmed" data-testid={`repatriation-summary-${s.state}`}>
                          {t('dashboard.summary', { state: s.state, held: num(s.held), requested: num(s.requested), accepted: num(s.accepted) })}
                        </Text>
                      </Table.Td>
                      <Table.Td>{num(s.held)}</Table.Td>
                      <Table.Td>{num(s.requested)}</Table.Td>
                      <Table.Td>{num(s.consularInterview)}</Table.Td>
                      <Table.Td>{num(s.accepted)}</Table.Td>
                      <Table.Td>{num(s.travelDocuments)}</Table.Td>
                      <Table.Td>{num(s.handedOver)}</Table.Td>
                      <Table.Td>{num(s.refused)}</Table.Td>
                      <Table.Td>{s.overdue > 0 ? <Badge color="red">{num(s.overdue)}</Badge> : num(0)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea>
          )}
        </Paper>
      )}
    </Stack>
  );
}
