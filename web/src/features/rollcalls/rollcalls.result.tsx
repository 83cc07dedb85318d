import { Badge, Group, Paper, Table, Text, Title } from '@mantine/core';
import { num, shortTime } from '../../lib/format';
import { Link } from '../../components/Link';
import { Name } from '../../components/Name';
import type { CloseResult, SheetRow } from './rollcalls.api';
import { BiometricShare } from '../verify/BiometricShare';

/** A closed roll call's result: the Delta, by unit when there are several, and who is now unaccounted. */
export function RollcallResult({ result, rows, unitCode }: { result: CloseResult; rows: SheetRow[]; unitCode: Map<string, string> }) {
  const names = new Map(rows.map((r) => [r.personId, r]));
  // A kept result leaves its unaccounted list out above 1,000 persons: the sheet's outcomes name those loaded so far.
  const unaccounted = result.unaccounted ?? rows.filter((r) => r.outcome === 'unaccounted').map((r) => r.personId);
  const unaccountedCount = result.unaccountedCount ?? unaccounted.length;
  const shown = unaccounted.slice(0, 200);
  return (
    <Paper withBorder p="md" radius="md" data-testid="rollcall-result" bg={result.delta > 0 ? 'red.0' : 'teal.0'}>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          Result: Delta {num(result.delta)}
        </Title>
        <Text size="sm">
          {num(result.expected)} expected · {num(result.present)} present · {num(result.excused)} excused · closed {shortTime(result.closedAt)}
        </Text>
      </Group>
      {result.biometric && <BiometricShare share={result.biometric} present={result.present} />}
      {result.alerts && result.alerts.length > 0 && (
        <Text size="sm" mb="xs">
          {result.alerts.length} alert{result.alerts.length > 1 ? 's' : ''} raised. <Link to="/alerts">Open the alerts</Link>
        </Text>
      )}
      {result.byUnit.length > 1 && (
        <Table mb="sm" data-testid="result-units">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Unit</Table.Th>
              <Table.Th ta="right">Expected</Table.Th>
              <Table.Th ta="right">Present</Table.Th>
              <Table.Th ta="right">Excused</Table.Th>
              <Table.Th ta="right">Delta</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {result.byUnit.map((u) => (
              <Table.Tr key={u.unitId ?? 'none'}>
                <Table.Td>{u.unitId ? (unitCode.get(u.unitId) ?? '…') : 'no unit'}</Table.Td>
                <Table.Td ta="right">{num(u.expected)}</Table.Td>
                <Table.Td ta="right">{num(u.present)}</Table.Td>
                <Table.Td ta="right">{num(u.excused)}</Table.Td>
                <Table.Td ta="right" fw={700} c={u.delta > 0 ? 'red.8' : undefined}>
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
            Unaccounted ({num(unaccountedCount)}), now recorded in the ledger:
          </Text>
          <Group gap={6} mt={4} data-testid="result-unaccounted">
            {shown.map((pid) => (
              <Badge key={pid} color="red" variant="light" size="lg" tt="none">
                <Name inherit>{names.get(pid)?.name ?? pid.slice(0, 8)}</Name>
              </Badge>
            ))}
            {unaccountedCount > shown.length && <Text size="sm">and {num(unaccountedCount - shown.length)} more</Text>}
          </Group>
        </>
      )}
    </Paper>
  );
}
