import { Badge, Group, Paper, Table, Text, Title } from '@mantine/core';
import { num, shortTime } from '../../lib/format';
import { Link } from '../../components/Link';
import { Name } from '../../components/Name';
import type { CloseResult, SheetRow } from './rollcalls.api';
import { BiometricShare } from '../verify/BiometricShare';
import { useTranslation } from 'react-i18next';

/** A closed roll call's result: the Delta, by unit when there are several, and who is now unaccounted. */
export function RollcallResult({ result, rows, unitCode }: { result: CloseResult; rows: SheetRow[]; unitCode: Map<string, string> }) {
  const { t } = useTranslation('rollcalls');
  const names = new Map(rows.map((r) => [r.personId, r]));
  // A kept result leaves its unaccounted list out above 1,000 persons: the sheet's outcomes name those loaded so far.
  const unaccounted = result.unaccounted ?? rows.filter((r) => r.outcome === 'unaccounted').map((r) => r.personId);
  const unaccountedCount = result.unaccountedCount ?? unaccounted.length;
  const shown = unaccounted.slice(0, 200);
  return (
    <Paper withBorder p="md" radius="md" data-testid="rollcall-result" bg={result.delta > 0 ? 'red.0' : 'teal.0'}>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          {t('result.title', { delta: num(result.delta) })}
        </Title>
        <Text size="sm">
          {t('result.summary', {
            expected: num(result.expected),
            present: num(result.present),
            excused: num(result.excused),
            time: shortTime(result.closedAt),
          })}
        </Text>
      </Group>
      {result.biometric && <BiometricShare share={result.biometric} present={result.present} />}
      {result.alerts && result.alerts.length > 0 && (
        <Text size="sm" mb="xs">
          {t('result.alertsRaised', { count: result.alerts.length, n: num(result.alerts.length) })} <Link to="/alerts">{t('result.openAlerts')}</Link>
        </Text>
      )}
      {result.byUnit.length > 1 && (
        <Table mb="sm" data-testid="result-units">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('filter.unit')}</Table.Th>
              <Table.Th ta="end">{t('count.expected')}</Table.Th>
              <Table.Th ta="end">{t('count.present')}</Table.Th>
              <Table.Th ta="end">{t('count.excused')}</Table.Th>
              <Table.Th ta="end">{t('count.delta')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {result.byUnit.map((u) => (
              <Table.Tr key={u.unitId ?? 'none'}>
                <Table.Td>{u.unitId ? (unitCode.get(u.unitId) ?? '…') : t('result.noUnit')}</Table.Td>
                <Table.Td ta="end">{num(u.expected)}</Table.Td>
                <Table.Td ta="end">{num(u.present)}</Table.Td>
                <Table.Td ta="end">{num(u.excused)}</Table.Td>
                <Table.Td ta="end" fw={700} c={u.delta > 0 ? 'red.8' : undefined}>
                  {num(u.delta)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {unaccountedCount > 0 && (
        <>
          <Text fw={600} size="sm">
            {t('result.unaccounted', { n: num(unaccountedCount) })}
          </Text>
          <Group gap={6} mt={4} data-testid="result-unaccounted">
            {shown.map((pid) => (
              <Badge key={pid} color="red" variant="light" size="lg" tt="none">
                <Name inherit>{names.get(pid)?.name ?? pid.slice(0, 8)}</Name>
              </Badge>
            ))}
            {unaccountedCount > shown.length && <Text size="sm">{t('result.andMore', { n: num(unaccountedCount - shown.length) })}</Text>}
          </Group>
        </>
      )}
    </Paper>
  );
}
