import { useState } from 'react';
import { Badge, Button, Group, Pagination, Select, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from '../../components/Link';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/Problems';
import { StatCard } from '../../components/StatCard';
import { bearerToken } from '../../lib/api';
import { dateTime, num } from '../../lib/format';
import { useFacilities, facilityOptions } from '../../lib/queries';
import { useRouter } from '../../lib/router';
import { useSession } from '../../lib/session';
import { OpenCaseForm } from './OpenCaseForm';
import { LEGAL_STATUSES, PAGE_SIZE, useCases, useCasesSummary } from './cases.api';

/** The legal officer's list: every case in scope with its review due, overdue ones first and flagged. */
export default function CasesPage() {
  const { t } = useTranslation('cases');
  const s = useSession();
  const { navigate } = useRouter();
  const facilities = useFacilities();
  const [facilityId, setFacilityId] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [overdue, setOverdue] = useState<string | null>(null);
  const [page, setPage] = useState(0);
  const cases = useCases({
    facilityId: facilityId ?? undefined,
    status: status ?? undefined,
    overdue: (overdue as 'true' | 'false' | null) ?? undefined,
    page,
  });
  const summary = useCasesSummary(s.can('cases.figures'));
  const total = cases.data?.total ?? 0;

  const exportCsv = async () => {
    const res = await fetch('/api/v1/cases/figures/stasis?format=csv', {
      headers: { authorization: `Bearer ${bearerToken() ?? ''}` },
      credentials: 'same-origin',
    });
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = 'custos-stasis.csv';
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <Stack gap="md" data-testid="cases-page">
      <PageHeader
        title={t('list.title')}
        description={t('list.description')}
        actions={
          s.can('cases.figures') && (
            <Button variant="light" onClick={exportCsv} data-testid="cases-export">
              {t('list.exportStasis')}
            </Button>
          )
        }
      />
      {s.can('cases.write') && <OpenCaseForm onOpened={(id) => navigate(`/cases/${id}`)} />}
      <ErrorNote error={cases.error} what={t('list.what')} />
      {summary.data && (
        <SimpleGrid cols={{ base: 3 }}>
          <StatCard label={t('figures.open')} value={num(summary.data.open)} testId="cases-open" />
          <StatCard
            label={t('figures.overdue')}
            value={num(summary.data.overdue)}
            color={summary.data.overdue > 0 ? 'red' : undefined}
            testId="cases-overdue"
          />
          <StatCard label={t('figures.dueSoon')} value={num(summary.data.dueWithin30Days)} testId="cases-due-soon" />
        </SimpleGrid>
      )}
      <Group align="flex-end">
        <Select
          label={t('filter.facility')}
          clearable
          data={facilityOptions(facilities.data)}
          value={facilityId}
          onChange={(v) => {
            setFacilityId(v);
            setPage(0);
          }}
          data-testid="filter-facility"
        />
        <Select
          label={t('filter.status')}
          clearable
          data={LEGAL_STATUSES.map((x) => ({ value: x, label: t(`status.${x}`) }))}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(0);
          }}
          data-testid="filter-status"
        />
        <Select
          label={t('filter.review')}
          clearable
          data={[
            { value: 'true', label: t('filter.overdue') },
            { value: 'false', label: t('filter.notOverdue') },
          ]}
          value={overdue}
          onChange={(v) => {
            setOverdue(v);
            setPage(0);
          }}
          data-testid="filter-overdue"
        />
      </Group>
      <Text size="sm" c="dimmed" data-testid="cases-total">
        {cases.data ? t('list.count', { shown: num(cases.data.rows.length), total: num(total) }) : t('common:loading')}
      </Text>
      <Table striped highlightOnHover data-testid="cases-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('col.person')}</Table.Th>
            <Table.Th>{t('col.facility')}</Table.Th>
            <Table.Th>{t('col.status')}</Table.Th>
            <Table.Th>{t('col.nextReview')}</Table.Th>
            <Table.Th>{t('col.daysWithoutReview')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(cases.data?.rows ?? []).map((c) => (
            <Table.Tr key={c.id} data-testid="case-row">
              <Table.Td>
                <Link to={`/cases/${c.id}`}>{c.personName ?? c.personId.slice(0, 8)}</Link>
              </Table.Td>
              <Table.Td>{c.facilityCode ?? '–'}</Table.Td>
              <Table.Td>
                <Badge variant="light">{t(`status.${c.status}`)}</Badge>
                {c.closedAt && (
                  <Badge ms="xs" color="gray" variant="outline">
                    {t('case.closed')}
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                {dateTime(c.nextReviewAt)}
                {c.overdue && (
                  <Badge ms="xs" color="red" data-testid="overdue-flag">
                    {t('list.overdue')}
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>{num(c.daysWithoutReview)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {total > PAGE_SIZE && <Pagination total={Math.ceil(total / PAGE_SIZE)} value={page + 1} onChange={(p) => setPage(p - 1)} data-testid="cases-pages" />}
    </Stack>
  );
}
