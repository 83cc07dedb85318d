import { useEffect, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Group, Paper, ScrollArea, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { api, qs, REPORT_STATUSES, type PersonHit } from '../lib/api';
import { statusLabel } from '../lib/format';
import { useRouter } from '../lib/router';
import { useSession } from '../lib/session';
import { useFacilities, useFacilityNames } from '../lib/queries';
import { Name } from '../components/Name';
import { StatusBadge } from '../components/StatusBadge';
import { ErrorNote } from '../components/Problems';
import { PurposeSelect, rememberedPurpose } from '../features/persons/purpose';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export default function PersonsPage() {
  const session = useSession();
  const { search, navigate } = useRouter();
  const [q, setQ] = useState(search.get('q') ?? '');
  const [facilityId, setFacilityId] = useState<string | null>(search.get('facilityId'));
  const [status, setStatus] = useState<string | null>(search.get('status'));
  const [purpose, setPurpose] = useState(() => rememberedPurpose(session.purpose));
  const facilities = useFacilities();
  const names = useFacilityNames();
  const dq = useDebounced(q.trim(), 300);

  useEffect(() => {
    const url = `/persons${qs({ q: dq, facilityId, status })}`;
    if (url !== window.location.pathname + window.location.search) window.history.replaceState(null, '', url);
  }, [dq, facilityId, status]);

  const results = useQuery({
    queryKey: ['persons', 'search', dq, facilityId, status, purpose],
    queryFn: ({ signal }) => api<PersonHit[]>(`/persons${qs({ q: dq, facilityId, status, limit: 50 })}`, { purpose, signal }),
    enabled: dq.length >= 2 || !!facilityId || !!status,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });

  const open = (id: string) => navigate(`/persons/${id}?purpose=${encodeURIComponent(purpose)}`);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Title order={1} size="h2">
          Persons
        </Title>
        {session.can('persons.write') && (
          <Button size="lg" onClick={() => navigate('/persons/new')} data-testid="register-person">
            Register a person
          </Button>
        )}
      </Group>
      <Paper withBorder p="md" radius="md">
        <Group align="flex-end" gap="md" wrap="wrap">
          <TextInput
            label="Name, in any script or spelling"
            placeholder="e.g. Mohammed Abdul Rahman al-Jubouri or محمد"
            value={q}
            onChange={(e) => setQ(e.currentTarget.value)}
            dir="auto"
            size="md"
            style={{ flex: '1 1 320px' }}
            data-testid="person-search"
            autoFocus
            type="search"
          />
          <Select
            label="Facility"
            placeholder="Any"
            clearable
            data={(facilities.data ?? []).map((f) => ({ value: f.id, label: f.name }))}
            value={facilityId}
            onChange={setFacilityId}
            w={220}
          />
          <Select
            label="Status"
            placeholder="Any"
            clearable
            data={REPORT_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))}
            value={status}
            onChange={setStatus}
            w={170}
          />
          <PurposeSelect value={purpose} onChange={setPurpose} />
        </Group>
        {session.nationalities.length > 0 && (
          <Text size="xs" c="dimmed" mt="xs">
            Your scope: {session.nationalities.join(', ')} nationals only.
          </Text>
        )}
      </Paper>
      <ErrorNote error={results.error} what="the search" />
      {results.data && (
        <Paper withBorder radius="md">
          <ScrollArea type="auto">
            <Table highlightOnHover verticalSpacing="sm" data-testid="person-results" miw={720}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Sex</Table.Th>
                  <Table.Th>Born</Table.Th>
                  <Table.Th>Nationality</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Facility</Table.Th>
                  <Table.Th ta="right">Match</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {results.data.map((p) => (
                  <Table.Tr
                    key={p.id}
                    data-testid="person-result"
                    style={{ cursor: 'pointer' }}
                    onClick={() => open(p.id)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter') open(p.id);
                    }}
                    tabIndex={0}
                    aria-label={`Open the record of ${p.name}`}
                  >
                    <Table.Td>
                      <Name fw={600} c="teal.9">
                        {p.name}
                      </Name>
                      {p.otherNames.length > 0 && (
                        <Group gap={8} mt={2}>
                          {p.otherNames.slice(0, 3).map((n) => (
                            <Name key={n} size="sm" c="dimmed">
                              {n}
                            </Name>
                          ))}
                        </Group>
                      )}
                    </Table.Td>
                    <Table.Td>{p.sex}</Table.Td>
                    <Table.Td data-testid="person-row-birth">{p.birthLabel === 'unknown' ? '–' : p.birthLabel}</Table.Td>
                    <Table.Td>{p.nationalities.join(', ') || '–'}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <StatusBadge status={p.status} data-testid="status-badge" />
                    </Table.Td>
                    <Table.Td>{p.facilityId ? (names.get(p.facilityId)?.code ?? '') : '–'}</Table.Td>
                    <Table.Td ta="right" className="num">
                      {Math.round(p.score * 100)}%
                    </Table.Td>
                  </Table.Tr>
                ))}
                {results.data.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={7}>
                      <Text c="dimmed">Nobody found{session.nationalities.length ? ' in your scope' : ''}.</Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        </Paper>
      )}
      {!results.data && !results.isFetching && (
        <Text c="dimmed" size="sm">
          Type at least two letters. The search matches spellings across scripts: Mohammed, Muhammad and محمد find the same person.
        </Text>
      )}
    </Stack>
  );
}
