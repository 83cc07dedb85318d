import { ScrollArea, Table } from '@mantine/core';
import { REPORT_STATUSES, type StatusReport } from '../lib/api';
import { num, statusLabel } from '../lib/format';
import { Link } from './Link';
import { useTranslation } from 'react-i18next';

/**
 * The status report as a table: one row per facility (its code), on roll, optionally minors, then each status, and
 * the totals. Rows carry `${rowTestId}-CODE` and `${rowTestId}-TOTAL`, cells the status (or `onRoll`, `minors`).
 */
export function StatusTable({
  report,
  testId,
  rowTestId = `${testId}-row`,
  linkFacilities = false,
  minors = false,
}: {
  report: StatusReport;
  testId: string;
  rowTestId?: string;
  /** Facility codes link to their pages (for roles that open facilities). */
  linkFacilities?: boolean;
  minors?: boolean;
}) {
  const { t } = useTranslation('common');
  return (
    <ScrollArea type="auto">
      <Table striped highlightOnHover withTableBorder data-testid={testId} miw={minors ? 720 : 640} fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('facility')}</Table.Th>
            <Table.Th ta="end">{t('onRoll')}</Table.Th>
            {minors && <Table.Th ta="end">{t('minors')}</Table.Th>}
            {REPORT_STATUSES.map((s) => (
              <Table.Th key={s} ta="end">
                {statusLabel(s)}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {report.facilities.map((f) => (
            <Table.Tr key={f.id} data-testid={`${rowTestId}-${f.code}`}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{linkFacilities ? <Link to={`/facilities/${f.id}`}>{f.code}</Link> : f.code}</Table.Td>
              <Table.Td ta="end" className="num" fw={600} data-testid="onRoll">
                {num(f.onRoll)}
              </Table.Td>
              {minors && (
                <Table.Td ta="end" className="num" data-testid="minors">
                  {num(f.minorsOnRoll)}
                </Table.Td>
              )}
              {REPORT_STATUSES.map((s) => (
                <Table.Td key={s} ta="end" className="num" data-testid={s} c={f.byStatus[s] ? undefined : 'dimmed'}>
                  {num(f.byStatus[s])}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
        <Table.Tfoot>
          <Table.Tr data-testid={`${rowTestId}-TOTAL`}>
            <Table.Th>{t('total')}</Table.Th>
            <Table.Th ta="end" className="num" data-testid="onRoll">
              {num(report.totals.onRoll)}
            </Table.Th>
            {minors && (
              <Table.Th ta="end" className="num" data-testid="minors">
                {num(report.totals.minorsOnRoll)}
              </Table.Th>
            )}
            {REPORT_STATUSES.map((s) => (
              <Table.Th key={s} ta="end" className="num" data-testid={s}>
                {num(report.totals[s])}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Tfoot>
      </Table>
    </ScrollArea>
  );
}
