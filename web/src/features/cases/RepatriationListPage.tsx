import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Checkbox, Group, Pagination, Paper, ScrollArea, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { Link } from '../../components/Link';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/Problems';
import { api, type PersonHit } from '../../lib/api';
import { dateTime, num } from '../../lib/format';
import { useRouter } from '../../lib/router';
import { useSession } from '../../lib/session';
import { PersonPicker } from './PersonPicker';
import { STAGE_COLOR, STAGES, useRepatriationRequests, type RepatriationRequest } from './repatriation.api';

const PAGE = 50;

/** Every repatriation request in the reader's scope, overdue first, with how many there are and pages to reach them all. */
export default function RepatriationListPage() {
  const { t } = useTranslation('repatriation');
  const session = useSession();
  const { navigate } = useRouter();
  const initial = new URLSearchParams(typeof window === 'undefined' ? '' : window.location.search);
  const [state, setState] = useState(initial.get('state') ?? '');
  const [stage, setStage] = useState<string | null>(null);
  const [overdue, setOverdue] = useState(false);
  const [page, setPage] = useState(1);
  const list = useRepatriationRequests({ state: state.length === 3 ? state.toUpperCase() : undefined, stage: stage ?? undefined, overdue, page, size: PAGE });
  const total = list.data?.total ?? 0;

  return (
    <Stack gap="md" data-testid="repatriation-list">
      <PageHeader title={t('list.title')} description={t('list.description')} actions={<Link to="/repatriation">{t('nav.label')}</Link>} />
      {session.can('repatriation.write') && <NewRequest onOpened={(id) => navigate(`/repatriation/requests/${id}`)} />}
      <Group gap="sm" align="end">
        <TextInput label={t('column.state')} placeholder="FRA" value={state} onChange={(e) => (setState(e.currentTarget.value), setPage(1))} w={100} />
        <Select
          label={t('column.stage')}
          clearable
          value={stage}
          onChange={(v) => (setStage(v), setPage(1))}
          data={STAGES.map((s) => ({ value: s, label: t(`stage.${s}`) }))}
          w={220}
        />
        <Checkbox label={t('list.overdueOnly')} checked={overdue} onChange={(e) => (setOverdue(e.currentTarget.checked), setPage(1))} />
      </Group>
      <ErrorNote error={list.error} what={t('list.what')} />
      <Text size="sm" data-testid="repatriation-total">
        {list.data ? t('list.total', { shown: num(list.data.rows.length), total: num(total) }) : t('common:loading')}
      </Text>
      <Paper withBorder radius="md" p="xs">
        <ScrollArea>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('column.person')}</Table.Th>
                <Table.Th>{t('column.state')}</Table.Th>
                <Table.Th>{t('column.stage')}</Table.Th>
                <Table.Th>{t('column.nationality')}</Table.Th>
                <Table.Th>{t('column.facility')}</Table.Th>
                <Table.Th>{t('column.due')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data?.rows.map((r) => (
                <Table.Tr key={r.id} data-testid={`repatriation-row-${r.id}`}>
                  <Table.Td>
                    <Link to={`/repatriation/requests/${r.id}`}>{r.name ?? r.personId.slice(0, 8)}</Link>
                    {r.minor && (
                      <Badge ms={6} size="xs" color="grape">
                        {t('request.minor')}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{r.state}</Table.Td>
                  <Table.Td>
                    <Badge color={STAGE_COLOR[r.stage]}>{t(`stage.${r.stage}`)}</Badge>
                  </Table.Td>
                  <Table.Td>{t(`nationality.${r.nationalityStatus}`)}</Table.Td>
                  <Table.Td>{r.facility ?? '–'}</Table.Td>
                  <Table.Td>
                    {dateTime(r.dueAt)}
                    {r.overdue && (
                      <Badge ms={6} color="red" data-testid="overdue">
                        {t('request.overdue')}
                      </Badge>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
        {total > PAGE && <Pagination mt="xs" size="sm" total={Math.ceil(total / PAGE)} value={page} onChange={setPage} />}
      </Paper>
    </Stack>
  );
}

/** A new request: the person (picked by name within the reader's scope, or by record id) and the state asked. */
function NewRequest({ onOpened }: { onOpened: (id: string) => void }) {
  const { t } = useTranslation('repatriation');
  const session = useSession();
  const qc = useQueryClient();
  const [person, setPerson] = useState<PersonHit | null>(null);
  const [state, setState] = useState(session.nationalities[0] ?? '');
  const pick = (p: PersonHit | null) => {
    setPerson(p);
    // the state asked is most often the person's nationality (the liaison's own, when they are scoped to one)
    const own = p?.nationalities.find((n) => session.nationalities.length === 0 || session.nationalities.includes(n));
    if (own) setState(own);
  };
  const open = useMutation({
    mutationFn: () => api<RepatriationRequest>('/repatriation/requests', { method: 'POST', body: { personId: person?.id, state: state.trim() } }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['repatriation'] });
      onOpened(r.id);
    },
  });
  return (
    <Paper withBorder radius="md" p="sm" data-testid="new-request">
      <Title order={5} mb="xs">
        {t('new.title')}
      </Title>
      <Group align="end" gap="sm">
        <div style={{ flex: '1 1 340px', maxWidth: 520 }}>
          <PersonPicker purpose="repatriation" value={person} onChange={pick} testId="new-person" />
        </div>
        <TextInput label={t('column.state')} value={state} onChange={(e) => setState(e.currentTarget.value)} w={100} data-testid="new-state" />
        <Button onClick={() => open.mutate()} loading={open.isPending} disabled={!person || state.trim().length !== 3} data-testid="new-submit">
          {t('new.submit')}
        </Button>
      </Group>
      <ApiErrorAlert error={open.error} />
    </Paper>
  );
}
