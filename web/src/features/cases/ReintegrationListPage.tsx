import { useState } from 'react';
import { Badge, Group, Pagination, Select, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from '../../components/Link';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/Problems';
import { dateTime, num } from '../../lib/format';
import { useFacilities, useHealth, facilityOptions } from '../../lib/queries';
import { useSession } from '../../lib/session';
import { PAGE_SIZE, useReintegrationCases, type ReintegrationList } from './cases.api';

/** A check-in whose date has passed and none recorded since: late, even before the scheduler marks it missed. */
export function checkinLate(r: ReintegrationList['rows'][number], now: number): boolean {
  return !!r.nextCheckinAt && new Date(r.nextCheckinAt).getTime() < now;
}

/** Every reintegration case in scope (persons released or repatriated), missed check-ins first, with the total and pages. */
export default function ReintegrationListPage() {
  const { t } = useTranslation('casework');
  const session = useSession();
  const facilities = useFacilities();
  const [facilityId, setFacilityId] = useState<string | null>(null);
  const [missed, setMissed] = useState<string | null>(null);
  const [page, setPage] = useState(0);
  const list = useReintegrationCases({ missed: (missed as 'true' | 'false' | null) ?? undefined, facilityId: facilityId ?? undefined, page });
  const total = list.data?.total ?? 0;
  // "now" is the server's clock (a demo runs on the scenario's time, not the browser's)
  const serverNow = useHealth().data?.now;
  const now = serverNow ? Date.parse(serverNow) : Date.now();
  return (
    <Stack gap="md" data-testid="reintegration-list">
      <PageHeader
        title={t('list.title')}
        description={t('list.description')}
        actions={
          <Group gap="sm">
            <Link to="/cases">{t('nav.legal')}</Link>
            {session.can('cases.figures') && <Link to="/cases/figures">{t('nav.figures')}</Link>}
          </Group>
        }
      />
      <Group align="flex-end">
        <Select
          label={t('list.filterFacility')}
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
          label={t('list.filterCheckin')}
          clearable
          data={[
            { value: 'true', label: t('list.missedOnly') },
            { value: 'false', label: t('list.notMissed') },
          ]}
          value={missed}
          onChange={(v) => {
            setMissed(v);
            setPage(0);
          }}
          data-testid="filter-missed"
        />
      </Group>
      <ErrorNote error={list.error} what={t('list.what')} />
      <Text size="sm" c="dimmed" data-testid="reintegration-total">
        {list.data ? t('list.count', { shown: num(list.data.rows.length), total: num(total) }) : t('common:loading')}
      </Text>
      <Table striped highlightOnHover data-testid="reintegration-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('col.person')}</Table.Th>
            <Table.Th>{t('col.left')}</Table.Th>
            <Table.Th>{t('col.programme')}</Table.Th>
            <Table.Th>{t('col.lastCheckin')}</Table.Th>
            <Table.Th>{t('col.nextCheckin')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(list.data?.rows ?? []).map((r) => (
            <Table.Tr key={r.id} data-testid="reintegration-row">
              <Table.Td>
                <Link to={`/reintegration/${r.id}`}>{r.personName ?? r.personId.slice(0, 8)}</Link>
              </Table.Td>
              <Table.Td>
                {t(`reason.${r.reason}`, { defaultValue: r.reason })} · {dateTime(r.releasedAt)}
              </Table.Td>
              <Table.Td>
                {r.programme ?? (
                  <Badge color="yellow" variant="light" data-testid="no-plan-flag">
                    {t('list.noPlan')}
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>{r.lastCheckinAt ? dateTime(r.lastCheckinAt) : '–'}</Table.Td>
              <Table.Td>
                {dateTime(r.nextCheckinAt)}
                {r.checkinMissed ? (
                  <Badge ms="xs" color="red" data-testid="missed-flag">
                    {t('list.missed')}
                  </Badge>
                ) : (
                  checkinLate(r, now) && (
                    <Badge ms="xs" color="orange" data-testid="late-flag">
                      {t('list.late')}
                    </Badge>
                  )
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {total > PAGE_SIZE && (
        <Pagination total={Math.ceil(total / PAGE_SIZE)} value={page + 1} onChange={(p) => setPage(p - 1)} data-testid="reintegration-pages" />
      )}
    </Stack>
  );
}
