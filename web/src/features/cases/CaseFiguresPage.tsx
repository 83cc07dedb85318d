import type { MouseEvent, ReactNode } from 'react';
import { Anchor, Group, Loader, Paper, ScrollArea, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/Problems';
import { StatCard } from '../../components/StatCard';
import { bearerToken, download } from '../../lib/api';
import { dateTime, num } from '../../lib/format';
import { useSession } from '../../lib/session';
import { useSeparatedFigure } from './FamilyApi';
import { useRepatriationFigures } from './repatriation.api';
import { OUTCOME_MONTHS, REINTEGRATION_OUTCOMES, useReintegrationFigures, useStasisFigures } from './cases.api';

/** A CSV link: the session cookie downloads it; in bearer mode the file is fetched with the header instead. */
function CsvLink({ path, filename, testId }: { path: string; filename: string; testId: string }) {
  const { t } = useTranslation('casework');
  const onClick = (e: MouseEvent) => {
    if (!bearerToken()) return;
    e.preventDefault();
    void download(path, filename);
  };
  return (
    <Anchor href={`/api/v1${path}`} download={filename} onClick={onClick} size="sm" data-testid={testId}>
      {t('figures.csv')}
    </Anchor>
  );
}

function Panel({ title, csv, loading, children, testId }: { title: string; csv: ReactNode; loading: boolean; children: ReactNode; testId: string }) {
  return (
    <Paper withBorder p="sm" radius="md" data-testid={testId}>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          {title}
        </Title>
        {csv}
      </Group>
      {loading && <Loader size="sm" aria-label={title} />}
      {children}
    </Paper>
  );
}

/**
 * The figures of the stasis and of what follows: open legal cases by facility and nationality, repatriation requests
 * per state and stage, separated children, reintegration outcomes. Counts only (no person named); each panel shows
 * only what the reader's role may see, in their scope, and exports the same figures as CSV.
 */
export default function CaseFiguresPage() {
  const { t } = useTranslation('casework');
  const s = useSession();
  const stasis = useStasisFigures(s.can('cases.figures'));
  const reintegration = useReintegrationFigures(s.can('cases.figures'));
  const repatriation = useRepatriationFigures(s.can('repatriation.read'));
  const separated = useSeparatedFigure(s.can('families.read'));
  return (
    <Stack gap="md" data-testid="case-figures">
      <PageHeader title={t('figures.title')} description={t('figures.description')} />

      {s.can('cases.figures') && (
        <Panel
          title={t('figures.stasis')}
          csv={<CsvLink path="/cases/figures/stasis?format=csv" filename="custos-stasis.csv" testId="csv-stasis" />}
          testId="figures-stasis"
          loading={stasis.isPending}
        >
          <ErrorNote error={stasis.error} what={t('figures.stasis')} />
          {stasis.data && (
            <>
              <SimpleGrid cols={{ base: 3 }} mb="xs">
                <StatCard label={t('figures.openCases')} value={num(stasis.data.totals.openCases)} testId="stasis-open" />
                <StatCard
                  label={t('figures.overdue')}
                  value={num(stasis.data.totals.overdue)}
                  color={stasis.data.totals.overdue > 0 ? 'red' : undefined}
                  testId="stasis-overdue"
                />
                <StatCard label={t('figures.neverReviewed')} value={num(stasis.data.totals.neverReviewed)} testId="stasis-never" />
              </SimpleGrid>
              <Text size="xs" c="dimmed" mb={4}>
                {t('figures.stasisNote', { at: dateTime(stasis.data.at), n: num(stasis.data.rows.length) })}
              </Text>
              <ScrollArea>
                <Table striped data-testid="stasis-table">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('figures.facility')}</Table.Th>
                      <Table.Th>{t('figures.nationality')}</Table.Th>
                      <Table.Th>{t('figures.openCases')}</Table.Th>
                      <Table.Th>{t('figures.overdue')}</Table.Th>
                      <Table.Th>{t('figures.neverReviewed')}</Table.Th>
                      <Table.Th>{t('figures.avgDays')}</Table.Th>
                      <Table.Th>{t('figures.maxDays')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {stasis.data.rows.map((r) => (
                      <Table.Tr key={`${r.facilityCode}-${r.nationality}`} data-testid="stasis-row">
                        <Table.Td>{r.facilityCode ?? '–'}</Table.Td>
                        <Table.Td>{r.nationality ?? t('figures.unknown')}</Table.Td>
                        <Table.Td className="num">{num(r.openCases)}</Table.Td>
                        <Table.Td className="num" c={r.overdue > 0 ? 'red' : undefined}>
                          {num(r.overdue)}
                        </Table.Td>
                        <Table.Td className="num">{num(r.neverReviewed)}</Table.Td>
                        <Table.Td className="num">{num(r.avgDaysWithoutReview)}</Table.Td>
                        <Table.Td className="num">{num(r.maxDaysWithoutReview)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollArea>
            </>
          )}
        </Panel>
      )}

      {s.can('repatriation.read') && (
        <Panel
          title={t('figures.repatriation')}
          csv={<CsvLink path="/repatriation/figures?format=csv" filename="custos-repatriation.csv" testId="csv-repatriation" />}
          testId="figures-repatriation"
          loading={repatriation.isPending}
        >
          <ErrorNote error={repatriation.error} what={t('figures.repatriation')} />
          {repatriation.data && (
            <ScrollArea>
              <Table striped data-testid="repatriation-figures-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('figures.state')}</Table.Th>
                    {REPATRIATION_COLUMNS.map((c) => (
                      <Table.Th key={c}>{t(`figures.stage.${c}`)}</Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {repatriation.data.states.map((r) => (
                    <Table.Tr key={r.state} data-testid="repatriation-figures-row">
                      <Table.Td>{r.state}</Table.Td>
                      {REPATRIATION_COLUMNS.map((c) => (
                        <Table.Td key={c} className="num">
                          {num(r[c])}
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                  <Table.Tr fw={700} data-testid="repatriation-figures-total">
                    <Table.Td>{t('figures.total')}</Table.Td>
                    {REPATRIATION_COLUMNS.map((c) => (
                      <Table.Td key={c} className="num" data-testid={`repatriation-total-${c}`}>
                        {num(repatriation.data.totals[c])}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                </Table.Tbody>
              </Table>
            </ScrollArea>
          )}
        </Panel>
      )}

      {s.can('families.read') && (
        <Panel
          title={t('figures.separated')}
          csv={<CsvLink path="/families/separated-children?format=csv" filename="custos-separated-children.csv" testId="csv-separated" />}
          testId="figures-separated"
          loading={separated.isPending}
        >
          <ErrorNote error={separated.error} what={t('figures.separated')} />
          {separated.data && (
            <>
              <StatCard label={t('figures.separatedTotal')} value={num(separated.data.total)} testId="separated-total" />
              <Table striped mt="xs">
                <Table.Tbody>
                  {separated.data.byFacility.map((r) => (
                    <Table.Tr key={r.facilityId ?? 'none'} data-testid="separated-row">
                      <Table.Td>{r.facility ?? t('figures.unknown')}</Table.Td>
                      <Table.Td className="num">{num(r.children)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </>
          )}
        </Panel>
      )}

      {s.can('cases.figures') && (
        <Panel
          title={t('figures.reintegration')}
          csv={<CsvLink path="/cases/figures/reintegration?format=csv" filename="custos-reintegration.csv" testId="csv-reintegration" />}
          testId="figures-reintegration"
          loading={reintegration.isPending}
        >
          <ErrorNote error={reintegration.error} what={t('figures.reintegration')} />
          {reintegration.data && (
            <>
              <SimpleGrid cols={{ base: 3 }} mb="xs">
                <StatCard label={t('figures.reintegrationCases')} value={num(reintegration.data.cases)} testId="reintegration-cases" />
                <StatCard label={t('figures.withPlan')} value={num(reintegration.data.withPlan)} testId="reintegration-with-plan" />
                <StatCard
                  label={t('figures.checkinMissed')}
                  value={num(reintegration.data.checkinMissed)}
                  color={reintegration.data.checkinMissed > 0 ? 'red' : undefined}
                  testId="reintegration-missed"
                />
              </SimpleGrid>
              <Table striped data-testid="outcomes-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('figures.outcome')}</Table.Th>
                    {OUTCOME_MONTHS.map((m) => (
                      <Table.Th key={m}>{t('outcome.month', { n: m })}</Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {REINTEGRATION_OUTCOMES.map((o) => (
                    <Table.Tr key={o}>
                      <Table.Td>{t(`outcome.${o}`)}</Table.Td>
                      {OUTCOME_MONTHS.map((m) => (
                        <Table.Td key={m} className="num" data-testid={`outcome-count-${m}-${o}`}>
                          {num(reintegration.data.outcomes.find((x) => x.month === m && x.outcome === o)?.count ?? 0)}
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </>
          )}
        </Panel>
      )}
    </Stack>
  );
}

const REPATRIATION_COLUMNS = [
  'held',
  'requested',
  'consularInterview',
  'accepted',
  'travelDocuments',
  'handedOver',
  'refused',
  'withdrawn',
  'overdue',
] as const;
