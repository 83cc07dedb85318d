import { useEffect, useState, type MouseEvent } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Anchor, Button, CloseButton, Group, Paper, ScrollArea, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { api, apiPage, bearerToken, download, qs, REPORT_STATUSES, type FacilityDetail, type PersonHit } from '../lib/api';
import { num, statusLabel } from '../lib/format';
import { useRouter } from '../lib/router';
import { useSession } from '../lib/session';
import { useFacilities, useFacilityNames } from '../lib/queries';
import { Name } from '../components/Name';
import { StatusBadge } from '../components/StatusBadge';
import { ErrorNote } from '../components/Problems';
import { PurposeSelect, rememberedPurpose } from '../features/persons/purpose';
import { useTranslation } from 'react-i18next';
import { useFocusWhenIdle } from '../lib/focus';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** Rows per page of a list. */
const PAGE = 50;

export default function PersonsPage() {
  const { t } = useTranslation('persons');
  const session = useSession();
  const { search, navigate } = useRouter();
  const focusSearch = useFocusWhenIdle<HTMLInputElement>();
  const [q, setQ] = useState(search.get('q') ?? '');
  const [facilityId, setFacilityId] = useState<string | null>(search.get('facilityId'));
  const [status, setStatus] = useState<string | null>(search.get('status'));
  // A unit's manifest (who is in that block now): reached from the facility page's units.
  const [unitId, setUnitId] = useState<string | null>(search.get('unitId'));
  const [page, setPage] = useState(0);
  const [purpose, setPurpose] = useState(() => rememberedPurpose(session.purpose));
  const facilities = useFacilities();
  const names = useFacilityNames();
  const dq = useDebounced(q.trim(), 300);

  useEffect(() => {
    const url = `/persons${qs({ q: dq, facilityId, unitId, status })}`;
    if (url !== window.location.pathname + window.location.search) window.history.replaceState(null, '', url);
  }, [dq, facilityId, unitId, status]);
  // Other filters, another list: back to its first page.
  useEffect(() => setPage(0), [dq, facilityId, unitId, status]);

  const filters = { q: dq, facilityId, unitId, status };
  const results = useQuery({
    queryKey: ['persons', 'search', dq, facilityId, unitId, status, purpose, page],
    queryFn: ({ signal }) => apiPage<PersonHit>(`/persons${qs({ ...filters, limit: PAGE, offset: page * PAGE })}`, { purpose, signal }),
    enabled: dq.length >= 2 || !!facilityId || !!status || !!unitId,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  const facility = useQuery({
    queryKey: ['facility', facilityId],
    queryFn: () => api<FacilityDetail>(`/facilities/${facilityId}`),
    enabled: !!facilityId && !!unitId,
  });
  const unit = facility.data?.units.find((u) => u.id === unitId);
  const total = results.data?.total ?? 0;
  const shown = results.data?.rows ?? [];
  // The export carries the purpose like any read of person records (a link cannot send the header).
  const csvPath = `/persons${qs({ ...filters, format: 'csv', purpose })}`;
  const csvClick = (e: MouseEvent) => {
    if (!bearerToken()) return;
    e.preventDefault();
    void download(csvPath, 'custos-persons.csv');
  };

  const open = (id: string) => navigate(`/persons/${id}?purpose=${encodeURIComponent(purpose)}`);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Title order={1} size="h2">
          {t('title')}
        </Title>
        {session.can('persons.write') && (
          <Button size="lg" onClick={() => navigate('/persons/new')} data-testid="register-person">
            {t('register')}
          </Button>
        )}
      </Group>
      <Paper withBorder p="md" radius="md">
        <Group align="flex-end" gap="md" wrap="wrap">
          <TextInput
            label={t('search.label')}
            placeholder={t('search.placeholder')}
            value={q}
            onChange={(e) => setQ(e.currentTarget.value)}
            dir="auto"
            size="md"
            style={{ flex: '1 1 320px' }}
            data-testid="person-search"
            ref={focusSearch}
            type="search"
          />
          <Select
            label={t('facility')}
            placeholder={t('any')}
            clearable
            data={(facilities.data ?? []).map((f) => ({ value: f.id, label: f.name }))}
            value={facilityId}
            onChange={setFacilityId}
            w={220}
          />
          <Select
            label={t('status')}
            placeholder={t('any')}
            clearable
            data={[{ value: 'on_roll', label: t('onTheRoll') }, ...REPORT_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))]}
            value={status}
            onChange={setStatus}
            w={170}
          />
          <PurposeSelect value={purpose} onChange={setPurpose} />
        </Group>
        {session.nationalities.length > 0 && (
          <Text size="xs" c="dimmed" mt="xs">
            {t('yourScope', { list: session.nationalities.join(', ') })}
          </Text>
        )}
      </Paper>
      {unitId && (
        <Group gap="xs" data-testid="unit-filter">
          <Title order={2} size="h4">
            {unit ? t('manifestOf', { unit: `${unit.code} (${unit.name})` }) : t('manifestOfUnit')}
          </Title>
          <CloseButton aria-label={t('everyUnit')} onClick={() => setUnitId(null)} />
        </Group>
      )}
      <ErrorNote error={results.error} what={t('theSearch')} />
      {results.data && (
        <Group justify="space-between" align="center" wrap="wrap" gap="sm">
          <Text size="sm" data-testid="result-count">
            {total === 0
              ? t('nobody')
              : t(dq ? 'rangeMatches' : 'range', { from: num(page * PAGE + 1), to: num(page * PAGE + shown.length), total: num(total) })}
          </Text>
          <Group gap="xs">
            <Button size="xs" variant="default" disabled={page === 0} onClick={() => setPage((p) => p - 1)} data-testid="page-prev">
              {t('common:previous')}
            </Button>
            <Button size="xs" variant="default" disabled={(page + 1) * PAGE >= total} onClick={() => setPage((p) => p + 1)} data-testid="page-next">
              {t('common:next')}
            </Button>
            {total > 0 && (
              <Anchor href={`/api/v1${csvPath}`} download="custos-persons.csv" onClick={csvClick} size="sm" data-testid="export-csv">
                {t('exportCsv', { n: num(total) })}
              </Anchor>
            )}
          </Group>
        </Group>
      )}
      {results.data && (
        <Paper withBorder radius="md">
          <ScrollArea type="auto">
            <Table highlightOnHover verticalSpacing="sm" data-testid="person-results" miw={720}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('col.name')}</Table.Th>
                  <Table.Th>{t('col.sex')}</Table.Th>
                  <Table.Th>{t('col.born')}</Table.Th>
                  <Table.Th>{t('col.nationality')}</Table.Th>
                  <Table.Th>{t('col.status')}</Table.Th>
                  <Table.Th>{t('col.facility')}</Table.Th>
                  <Table.Th ta="end">{t('col.match')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.map((p) => (
                  <Table.Tr
                    key={p.id}
                    data-testid="person-result"
                    style={{ cursor: 'pointer' }}
                    onClick={() => open(p.id)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter') open(p.id);
                    }}
                    tabIndex={0}
                    aria-label={t('openRecordOf', { name: p.name })}
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
                    <Table.Td>{t(`common:sexShort.${p.sex}`, { defaultValue: p.sex })}</Table.Td>
                    <Table.Td data-testid="person-row-birth">{p.birthLabel === 'unknown' ? '–' : p.birthLabel}</Table.Td>
                    <Table.Td>{p.nationalities.join(', ') || '–'}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <StatusBadge status={p.status} data-testid="status-badge" />
                    </Table.Td>
                    <Table.Td>{p.facilityId ? (names.get(p.facilityId)?.code ?? '') : '–'}</Table.Td>
                    <Table.Td ta="end" className="num">
                      {t('percent', { n: num(Math.round(p.score * 100)) })}
                    </Table.Td>
                  </Table.Tr>
                ))}
                {shown.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={7}>
                      <Text c="dimmed">{session.nationalities.length ? t('nobodyInScope') : t('nobodyDot')}</Text>
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
          {t('hint')}
        </Text>
      )}
    </Stack>
  );
}
