import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Badge, Button, Checkbox, Group, Paper, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { api, type FacilityDetail, type Unit } from '../lib/api';
import { num, shortTime } from '../lib/format';
import { useRouter } from '../lib/router';
import { useSession } from '../lib/session';
import { useFacilities } from '../lib/queries';
import { ErrorNote } from '../components/Problems';
import { ROLLCALL_STATUS_COLOR, useRollcalls, type Rollcall } from '../features/rollcalls/rollcalls.api';
import { useTranslation } from 'react-i18next';

interface UnitGroup {
  parent: Unit | null;
  units: Unit[];
}

const byCode = (a: Unit, b: Unit) => a.code.localeCompare(b.code, undefined, { numeric: true });

/** Units grouped under their parent (a phase and its blocks); units without children nor parent go together. */
function groupUnits(units: Unit[]): UnitGroup[] {
  const children = new Map<string, Unit[]>();
  for (const u of units) if (u.parentUnitId) children.set(u.parentUnitId, [...(children.get(u.parentUnitId) ?? []), u]);
  const groups: UnitGroup[] = [];
  const loose: Unit[] = [];
  for (const u of units.filter((x) => !x.parentUnitId || !units.some((p) => p.id === x.parentUnitId)).sort(byCode)) {
    const kids = children.get(u.id);
    if (kids?.length) groups.push({ parent: u, units: kids.sort(byCode) });
    else loose.push(u);
  }
  if (loose.length) groups.unshift({ parent: null, units: loose });
  return groups;
}

export default function RollcallsPage() {
  const { t } = useTranslation('rollcalls');
  const session = useSession();
  const { navigate, search } = useRouter();
  const facilities = useFacilities();
  const [facilityId, setFacilityId] = useState<string | null>(search.get('facilityId'));
  useEffect(() => {
    if (!facilityId && facilities.data?.length) {
      const first = session.facilityIds[0] ?? facilities.data.find((f) => f.code === 'HOL')?.id ?? facilities.data[0]!.id;
      setFacilityId(first);
    }
  }, [facilities.data, facilityId, session.facilityIds]);
  const facility = useQuery({ queryKey: ['facility', facilityId], queryFn: () => api<FacilityDetail>(`/facilities/${facilityId}`), enabled: !!facilityId });
  const recent = useRollcalls({ facilityId: facilityId ?? undefined, limit: 10 });
  const [picked, setPicked] = useState<string[]>([]);
  useEffect(() => setPicked([]), [facilityId]);

  const f = facility.data;
  const groups = useMemo(() => groupUnits(f?.units ?? []), [f]);
  const expectedOf = (u: Unit): number => u.manifestCount + (f?.units ?? []).filter((c) => c.parentUnitId === u.id).reduce((s, c) => s + expectedOf(c), 0);
  const covered = (u: Unit) => picked.includes(u.id) || (!!u.parentUnitId && picked.includes(u.parentUnitId));
  const expected = picked.length ? (f?.units ?? []).filter((u) => picked.includes(u.id)).reduce((s, u) => s + expectedOf(u), 0) : (f?.manifestCount ?? 0);
  const toggle = (id: string, on: boolean) => setPicked((s) => (on ? [...s.filter((x) => x !== id), id] : s.filter((x) => x !== id)));

  const start = useMutation({
    mutationFn: () => api<Rollcall>('/rollcalls', { method: 'POST', body: { facilityId, unitIds: picked.length ? picked : undefined } }),
    onSuccess: (rc) => navigate(`/rollcalls/${rc.id}`),
  });
  // Only an open roll call can be continued (a cancelled one is over, like a closed one).
  const openOnes = (recent.data ?? []).filter((r) => r.status === 'open');

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('header.title')}
      </Title>
      <Paper withBorder p="md" radius="md" pos="sticky" top={64} style={{ zIndex: 5 }}>
        <Group align="flex-end" gap="md" wrap="wrap">
          <Select
            label={t('start.facility')}
            size="md"
            data={(facilities.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
            value={facilityId}
            onChange={setFacilityId}
            allowDeselect={false}
            w={280}
            data-testid="rollcall-facility"
          />
          <Button
            size="lg"
            onClick={() => start.mutate()}
            loading={start.isPending}
            disabled={!facilityId}
            data-testid="open-rollcall"
            h="auto"
            mih={50}
            py={6}
            // the label wraps on a phone rather than being cut ("… (111 expected)")
            styles={{ label: { whiteSpace: 'normal', textAlign: 'center' } }}
            style={{ flex: '1 1 320px' }}
          >
            {picked.length
              ? t('start.openUnits', { count: picked.length, n: num(picked.length), expected: num(expected) })
              : t('start.openFacility', { expected: num(expected) })}
          </Button>
        </Group>
        <ErrorNote error={start.error} what={t('page.what')} />
        {openOnes.map((r) => (
          <Button key={r.id} variant="light" mt="sm" me="sm" onClick={() => navigate(`/rollcalls/${r.id}`)}>
            {t('start.continue', { time: shortTime(r.openedAt), expected: num(r.expected) })}
          </Button>
        ))}
      </Paper>

      <Paper withBorder p="md" radius="md">
        <Group justify="space-between" mb="xs">
          <Text fw={600}>{t('start.unitsToCount')}</Text>
          {picked.length > 0 && (
            <Button variant="subtle" size="sm" onClick={() => setPicked([])}>
              {t('start.clear')}
            </Button>
          )}
        </Group>
        <Stack gap="sm" data-testid="rollcall-units">
          {groups.map((g) => (
            <div key={g.parent?.id ?? 'loose'}>
              {g.parent && (
                <Checkbox
                  size="md"
                  mb={6}
                  label={
                    <Text fw={600}>
                      {g.parent.name}{' '}
                      <Text span c="dimmed" size="sm">
                        ({t('start.parentExpected', { n: num(expectedOf(g.parent)) })})
                      </Text>
                    </Text>
                  }
                  checked={picked.includes(g.parent.id)}
                  onChange={(e) => toggle(g.parent!.id, e.currentTarget.checked)}
                  data-testid={`pick-unit-${g.parent.code}`}
                />
              )}
              <SimpleGrid cols={{ base: 2, sm: 3, lg: 4 }} spacing={8}>
                {g.units.map((u) => (
                  <Paper key={u.id} withBorder p="xs" radius="sm" bg={covered(u) ? 'teal.0' : undefined}>
                    <Checkbox
                      size="md"
                      label={
                        <div>
                          <Text fw={600} size="sm">
                            {u.code}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {t('start.expected', { n: num(expectedOf(u)) })}
                          </Text>
                        </div>
                      }
                      checked={covered(u)}
                      disabled={!!u.parentUnitId && picked.includes(u.parentUnitId)}
                      onChange={(e) => toggle(u.id, e.currentTarget.checked)}
                      data-testid={`pick-unit-${u.code}`}
                      aria-label={`${u.name}, ${t('start.expected', { n: num(expectedOf(u)) })}`}
                    />
                  </Paper>
                ))}
              </SimpleGrid>
            </div>
          ))}
          {f && groups.length === 0 && <Text c="dimmed">{t('start.noUnits')}</Text>}
        </Stack>
      </Paper>

      <Paper withBorder p="md" radius="md">
        <Title order={2} size="h4" mb="xs">
          {t('recent.title')}
        </Title>
        <Table.ScrollContainer minWidth={480}>
          <Table verticalSpacing={8} highlightOnHover data-testid="recent-rollcalls">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('recent.opened')}</Table.Th>
                <Table.Th>{t('recent.counted')}</Table.Th>
                <Table.Th>{t('recent.status')}</Table.Th>
                <Table.Th ta="end">{t('count.expected')}</Table.Th>
                <Table.Th ta="end">{t('count.present')}</Table.Th>
                <Table.Th ta="end">{t('count.delta')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(recent.data ?? []).map((r) => (
                <Table.Tr
                  key={r.id}
                  style={{ cursor: 'pointer' }}
                  onClick={() => navigate(`/rollcalls/${r.id}`)}
                  data-testid="recent-rollcall"
                  data-status={r.status}
                  c={r.status === 'cancelled' ? 'dimmed' : undefined}
                >
                  <Table.Td>{shortTime(r.openedAt)}</Table.Td>
                  <Table.Td>{r.unitIds.length ? t('recent.units', { count: r.unitIds.length, n: num(r.unitIds.length) }) : t('header.wholeFacility')}</Table.Td>
                  <Table.Td maw={260}>
                    <Badge color={ROLLCALL_STATUS_COLOR[r.status] ?? 'gray'} variant={r.status === 'cancelled' ? 'outline' : 'light'} miw="max-content">
                      {t(`status.${r.status}`, { defaultValue: r.status })}
                    </Badge>
                    {r.cancelled && (
                      <Text size="xs" c="dimmed" truncate="end" title={r.cancelled.reason} dir="auto">
                        {r.cancelled.reason}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="end" className="num">
                    {num(r.expected)}
                  </Table.Td>
                  <Table.Td ta="end" className="num">
                    {r.result ? num(r.result.present) : '–'}
                  </Table.Td>
                  <Table.Td ta="end" className="num">
                    {r.result ? (
                      <Text span c={r.result.delta > 0 ? 'red.8' : undefined} fw={700}>
                        {num(r.result.delta)}
                      </Text>
                    ) : (
                      '–'
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
              {recent.data?.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={6}>
                    <Text c="dimmed" size="sm">
                      {t('recent.none')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
    </Stack>
  );
}
