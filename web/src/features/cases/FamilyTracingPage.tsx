import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Group, Paper, SegmentedControl, Select, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/Problems';
import { Link } from '../../components/Link';
import { StatCard } from '../../components/StatCard';
import { api } from '../../lib/api';
import { dateTime, num } from '../../lib/format';
import { useFacilities } from '../../lib/queries';
import { useRouter } from '../../lib/router';
import { useSession } from '../../lib/session';
import { Pager } from '../admin/Pager';
import { TRACING_PAGE, TRACING_STATUS_COLOR, useSeparatedFigure, useTracingList, type Tracing } from './FamilyApi';

/** Family tracing requests: how many, every one reachable by paging, and a form to open one with consent. */
export default function FamilyTracingPage() {
  const { t } = useTranslation('families');
  const session = useSession();
  const [status, setStatus] = useState<string>('all');
  const [page, setPage] = useState(0);
  const list = useTracingList(status === 'all' ? null : status, page);
  const figure = useSeparatedFigure(session.can('families.read'));
  return (
    <Stack gap="md" data-testid="tracing-page">
      <PageHeader title={t('tracing.title')} description={t('tracing.description')} />
      {figure.data && (
        <Group>
          <StatCard label={t('figure.separated')} value={num(figure.data.total)} testId="figure-separated" />
        </Group>
      )}
      <SegmentedControl
        value={status}
        onChange={(v) => {
          setStatus(v);
          setPage(0);
        }}
        data={['all', 'open', 'located', 'closed'].map((s) => ({ value: s, label: t(`status.${s}`) }))}
      />
      <ErrorNote error={list.error} what={t('tracing.what')} />
      <Paper withBorder p="sm" radius="md">
        <Table data-testid="tracing-list">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('tracing.sought')}</Table.Th>
              <Table.Th>{t('tracing.relationship')}</Table.Th>
              <Table.Th>{t('tracing.requester')}</Table.Th>
              <Table.Th>{t('tracing.status')}</Table.Th>
              <Table.Th>{t('tracing.opened')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(list.data?.rows ?? []).map((r) => (
              <Table.Tr key={r.id} data-testid="tracing-row">
                <Table.Td>
                  <Link to={`/tracing/${r.id}`}>{r.soughtName ?? t('tracing.withheld')}</Link>
                </Table.Td>
                <Table.Td>{r.relationship}</Table.Td>
                <Table.Td>{t(`requester.${r.requesterKind}`)}</Table.Td>
                <Table.Td>
                  <Badge color={TRACING_STATUS_COLOR[r.status]}>{t(`status.${r.status}`)}</Badge>
                </Table.Td>
                <Table.Td>{dateTime(r.createdAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Pager page={page} size={TRACING_PAGE} shown={list.data?.rows.length ?? 0} total={list.data?.total ?? 0} onPage={setPage} testId="tracing" />
      </Paper>
      {session.can('tracing.write') && <NewTracingForm />}
    </Stack>
  );
}

function NewTracingForm() {
  const { t } = useTranslation('families');
  const qc = useQueryClient();
  const { navigate } = useRouter();
  const facilities = useFacilities();
  const [form, setForm] = useState({ requesterName: '', requesterContact: '', soughtName: '', relationship: '', details: '', facilityId: '', consentBy: '' });
  const set = (k: keyof typeof form) => (v: string) => setForm((f) => ({ ...f, [k]: v }));
  const create = useMutation({
    mutationFn: () =>
      api<Tracing>('/tracing-requests', {
        method: 'POST',
        body: {
          requesterKind: 'relative_outside',
          requesterName: form.requesterName,
          requesterContact: form.requesterContact || undefined,
          soughtName: form.soughtName,
          relationship: form.relationship,
          details: form.details || undefined,
          facilityId: form.facilityId || undefined,
          consent: { givenBy: form.consentBy },
        },
      }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['tracing'] });
      navigate(`/tracing/${r.id}`);
    },
  });
  return (
    <Paper withBorder p="sm" radius="md" data-testid="tracing-new">
      <Title order={2} size="h4" mb="xs">
        {t('tracing.new')}
      </Title>
      <Stack gap="xs">
        <Group grow>
          <TextInput label={t('form.requesterName')} value={form.requesterName} onChange={(e) => set('requesterName')(e.currentTarget.value)} required />
          <TextInput label={t('form.requesterContact')} value={form.requesterContact} onChange={(e) => set('requesterContact')(e.currentTarget.value)} />
        </Group>
        <Group grow>
          <TextInput label={t('form.soughtName')} value={form.soughtName} onChange={(e) => set('soughtName')(e.currentTarget.value)} required />
          <TextInput label={t('form.relationship')} value={form.relationship} onChange={(e) => set('relationship')(e.currentTarget.value)} required />
        </Group>
        <Select
          label={t('form.facility')}
          data={(facilities.data ?? []).map((f) => ({ value: f.id, label: f.name }))}
          value={form.facilityId || null}
          onChange={(v) => set('facilityId')(v ?? '')}
          clearable
        />
        <Textarea label={t('form.details')} value={form.details} onChange={(e) => set('details')(e.currentTarget.value)} />
        <TextInput
          label={t('form.consentBy')}
          description={t('form.consentHelp')}
          value={form.consentBy}
          onChange={(e) => set('consentBy')(e.currentTarget.value)}
          required
        />
        <ErrorNote error={create.error} />
        <Group>
          <Button
            onClick={() => create.mutate()}
            loading={create.isPending}
            disabled={!form.requesterName || !form.soughtName || !form.relationship || !form.consentBy}
          >
            {t('form.open')}
          </Button>
          <Text size="xs" c="dimmed">
            {t('form.consentNote')}
          </Text>
        </Group>
      </Stack>
    </Paper>
  );
}
