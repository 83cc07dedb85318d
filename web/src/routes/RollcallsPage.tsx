import { useEffect, useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Badge, Button, Checkbox, Grid, Group, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { api, type FacilityDetail } from '../lib/api';
import { num, shortTime } from '../lib/format';
import { useRouter } from '../lib/router';
import { useSession } from '../lib/session';
import { useFacilities, useFacilityNames } from '../lib/queries';
import { ErrorNote } from '../components/Problems';
import { useRollcalls, type Rollcall } from '../features/rollcalls/rollcalls.api';

export default function RollcallsPage() {
  const session = useSession();
  const { navigate, search } = useRouter();
  const facilities = useFacilities();
  const names = useFacilityNames();
  const [facilityId, setFacilityId] = useState<string | null>(search.get('facilityId'));
  useEffect(() => {
    if (!facilityId && facilities.data?.length) {
      const first = session.facilityIds[0] ?? facilities.data.find((f) => f.code === 'HOL')?.id ?? facilities.data[0]!.id;
      setFacilityId(first);
    }
  }, [facilities.data, facilityId, session.facilityIds]);
  const facility = useQuery({ queryKey: ['facility', facilityId], queryFn: () => api<FacilityDetail>(`/facilities/${facilityId}`), enabled: !!facilityId });
  const recent = useRollcalls({ facilityId: facilityId ?? undefined, limit: 10 });
  const [units, setUnits] = useState<string[]>([]);
  useEffect(() => setUnits([]), [facilityId]);

  const start = useMutation({
    mutationFn: () => api<Rollcall>('/rollcalls', { method: 'POST', body: { facilityId, unitIds: units.length ? units : undefined } }),
    onSuccess: (rc) => navigate(`/rollcalls/${rc.id}`),
  });

  const f = facility.data;
  const sortedUnits = [...(f?.units ?? [])].sort((a, b) => a.code.localeCompare(b.code, undefined, { numeric: true }));
  const expected = units.length ? sortedUnits.filter((u) => units.includes(u.id)).reduce((s, u) => s + u.manifestCount, 0) : f?.manifestCount ?? 0;

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        Roll call
      </Title>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Paper withBorder p="md" radius="md">
            <Stack>
              <Select
                label="Facility"
                size="md"
                data={(facilities.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
                value={facilityId}
                onChange={setFacilityId}
                allowDeselect={false}
                data-testid="rollcall-facility"
              />
              <div>
                <Group justify="space-between" mb={6}>
                  <Text fw={600}>Units to count</Text>
                  <Group gap="xs">
                    <Button variant="subtle" size="xs" onClick={() => setUnits(sortedUnits.map((u) => u.id))}>
                      All
                    </Button>
                    <Button variant="subtle" size="xs" onClick={() => setUnits([])}>
                      None
                    </Button>
                  </Group>
                </Group>
                <Stack gap={4} data-testid="rollcall-units">
                  {sortedUnits.map((u) => (
                    <Paper key={u.id} withBorder p="xs" radius="sm">
                      <Checkbox
                        size="md"
                        label={
                          <Group gap="xs">
                            <Text fw={500}>{u.code}</Text>
                            <Text c="dimmed" size="sm">
                              {u.name}
                            </Text>
                            <Badge variant="light">{num(u.manifestCount)} expected</Badge>
                          </Group>
                        }
                        checked={units.includes(u.id)}
                        onChange={(e) => {
                          const on = e.currentTarget.checked;
                          setUnits((s) => (on ? [...s, u.id] : s.filter((x) => x !== u.id)));
                        }}
                        data-testid={`pick-unit-${u.code}`}
                      />
                    </Paper>
                  ))}
                  {f && sortedUnits.length === 0 && <Text c="dimmed">This facility has no units: the roll call counts the whole facility.</Text>}
                </Stack>
              </div>
              <ErrorNote error={start.error} what="the roll call" />
              <Button size="lg" onClick={() => start.mutate()} loading={start.isPending} disabled={!facilityId} data-testid="open-rollcall">
                {units.length ? `Open roll call: ${units.length} unit${units.length > 1 ? 's' : ''}, ${num(expected)} expected` : `Open roll call of the whole facility (${num(expected)} expected)`}
              </Button>
            </Stack>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Paper withBorder p="md" radius="md">
            <Title order={2} size="h4" mb="xs">
              Recent roll calls
            </Title>
            <Table verticalSpacing={8} highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Opened</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th ta="right">Expected</Table.Th>
                  <Table.Th ta="right">Delta</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(recent.data ?? []).map((r) => (
                  <Table.Tr key={r.id} style={{ cursor: 'pointer' }} onClick={() => navigate(`/rollcalls/${r.id}`)}>
                    <Table.Td>
                      <Text size="sm">{shortTime(r.openedAt)}</Text>
                      <Text size="xs" c="dimmed">
                        {names.get(r.facilityId)?.code} {r.unitIds.length ? `· ${r.unitIds.length} unit(s)` : '· whole facility'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={r.status === 'closed' ? 'gray' : 'teal'}>{r.status}</Badge>
                    </Table.Td>
                    <Table.Td ta="right" className="num">
                      {num(r.expected)}
                    </Table.Td>
                    <Table.Td ta="right" className="num">
                      {r.result ? <Text span c={r.result.delta > 0 ? 'red.8' : undefined} fw={700}>{num(r.result.delta)}</Text> : '–'}
                    </Table.Td>
                  </Table.Tr>
                ))}
                {recent.data?.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={4}>
                      <Text c="dimmed" size="sm">
                        None yet.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </Paper>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
