import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Anchor, Badge, Button, Code, Group, Paper, ScrollArea, Stack, Table, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { apiPage, qs } from '../lib/api';
import { dateTime } from '../lib/format';
import { useRouter } from '../lib/router';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { Link } from '../components/Link';
import { ErrorNote } from '../components/Problems';
import { PageHeader } from '../components/PageHeader';
import { Pager } from '../features/admin/Pager';
import { saveText, toCsv, type AuditEntry } from '../features/admin/admin.api';

const PAGE = 50;
/** The CSV export reads the filtered log in pages of the API's largest size, up to this many entries. */
const EXPORT_MAX = 10_000;

interface Filter {
  subjectType: string;
  subjectId: string;
  actorUsername: string;
  action: string;
  from: string;
  to: string;
}

/** A datetime-local value (the browser's local time) as an instant, or undefined when empty or unreadable. */
function instantOf(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function queryOf(f: Filter) {
  return {
    subjectType: f.subjectType.trim() || undefined,
    subjectId: f.subjectId.trim() || undefined,
    actorUsername: f.actorUsername.trim() || undefined,
    action: f.action.trim() || undefined,
    from: instantOf(f.from),
    to: instantOf(f.to),
  };
}

/**
 * The audit log (audit.read): who read or changed what, when and with which stated purpose, newest first, filtered by
 * subject (a person record: "who read this record"), actor, action (`person.*` for a kind) and time, with the total,
 * paging and a CSV of the filtered entries. A reader without the whole registry gets entries without person ids or
 * free text (the API redacts them), and the badge says so.
 */
export default function AuditPage() {
  const { t } = useTranslation('admin');
  const { search } = useRouter();
  const initial: Filter = {
    subjectType: search.get('subjectType') ?? '',
    subjectId: search.get('subjectId') ?? '',
    actorUsername: search.get('actor') ?? '',
    action: search.get('action') ?? '',
    from: '',
    to: '',
  };
  const [draft, setDraft] = useState<Filter>(initial);
  const [filter, setFilter] = useState<Filter>(initial);
  const [page, setPage] = useState(0);
  const [exportError, setExportError] = useState<unknown>(null);
  const [exporting, setExporting] = useState(false);
  const q = queryOf(filter);
  const list = useQuery({
    queryKey: ['audit', q, page],
    queryFn: () => apiPage<AuditEntry>(`/audit${qs({ ...q, limit: PAGE, offset: page * PAGE })}`),
    placeholderData: keepPreviousData,
  });
  const rows = list.data?.rows ?? [];
  const total = list.data?.total ?? 0;
  const person = filter.subjectType === 'person' && filter.subjectId ? filter.subjectId : null;
  const badTime = (draft.from && !instantOf(draft.from)) || (draft.to && !instantOf(draft.to));

  async function exportCsv() {
    setExporting(true);
    setExportError(null);
    try {
      const all: AuditEntry[] = [];
      for (let offset = 0; offset < Math.min(total, EXPORT_MAX); offset += 500) {
        all.push(...(await apiPage<AuditEntry>(`/audit${qs({ ...q, limit: 500, offset })}`)).rows);
      }
      const csv = toCsv(
        ['seq', 'at', 'actor', 'role', 'action', 'subject_type', 'subject_id', 'purpose', 'details', 'redacted'],
        all.map((e) => [
          e.seq,
          e.at,
          e.actorUsername,
          e.actorRole,
          e.action,
          e.subjectType,
          e.subjectId,
          e.purpose,
          JSON.stringify(e.details ?? null),
          String(e.redacted),
        ]),
      );
      saveText(csv, 'custos-audit.csv');
    } catch (e) {
      setExportError(e);
    } finally {
      setExporting(false);
    }
  }

  const field = (key: keyof Filter) => ({
    value: draft[key],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => setDraft({ ...draft, [key]: e.currentTarget.value }),
  });

  return (
    <Stack gap="md">
      <PageHeader
        title={person ? t('audit.whoReadTitle') : t('audit.title')}
        description={person ? t('audit.whoReadDescription') : t('audit.description')}
        actions={
          person ? (
            <Link to={`/persons/${person}`} data-testid="audit-person-link">
              {t('audit.backToRecord')}
            </Link>
          ) : undefined
        }
      />
      <Paper withBorder p="sm" radius="md">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (badTime) return;
            setFilter(draft);
            setPage(0);
          }}
        >
          <Group gap="sm" align="flex-end" wrap="wrap">
            <TextInput label={t('audit.subjectType')} placeholder="person" w={120} {...field('subjectType')} data-testid="audit-subject-type" />
            <TextInput label={t('audit.subjectId')} placeholder={t('audit.subjectIdHint')} w={300} {...field('subjectId')} data-testid="audit-subject-id" />
            <TextInput label={t('audit.actor')} placeholder={t('audit.actorHint')} w={160} {...field('actorUsername')} data-testid="audit-actor" />
            <TextInput label={t('audit.action')} placeholder={t('audit.actionHint')} w={240} {...field('action')} data-testid="audit-action" />
            <TextInput type="datetime-local" label={t('audit.from')} w={200} {...field('from')} data-testid="audit-from" />
            <TextInput type="datetime-local" label={t('audit.to')} w={200} {...field('to')} data-testid="audit-to" />
            <Button type="submit" disabled={Boolean(badTime)} data-testid="audit-apply">
              {t('audit.apply')}
            </Button>
            <Button
              variant="default"
              onClick={() => {
                const empty = { subjectType: '', subjectId: '', actorUsername: '', action: '', from: '', to: '' };
                setDraft(empty);
                setFilter(empty);
                setPage(0);
              }}
            >
              {t('audit.clear')}
            </Button>
          </Group>
        </form>
        {badTime && (
          <Text size="sm" c="red" mt="xs" role="alert">
            {t('audit.badTime')}
          </Text>
        )}
      </Paper>
      <ErrorNote error={list.error} what={t('audit.title')} />
      {list.data && (
        <Group justify="space-between" wrap="wrap" gap="sm">
          <div style={{ flex: 1 }}>
            <Pager page={page} size={PAGE} shown={rows.length} total={total} onPage={setPage} testId="audit" />
          </div>
          {total > 0 && (
            <Button size="xs" variant="default" onClick={() => void exportCsv()} loading={exporting} data-testid="audit-export">
              {t('audit.export', { count: Math.min(total, EXPORT_MAX) })}
            </Button>
          )}
        </Group>
      )}
      <ApiErrorAlert error={exportError} title={t('audit.exportFailed')} testId="audit-export-error" />
      {list.data && (
        <Paper withBorder radius="md">
          <ScrollArea type="auto">
            <Table verticalSpacing="xs" miw={860} data-testid="audit-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('audit.when')}</Table.Th>
                  <Table.Th>{t('audit.actor')}</Table.Th>
                  <Table.Th>{t('audit.action')}</Table.Th>
                  <Table.Th>{t('audit.purpose')}</Table.Th>
                  <Table.Th>{t('audit.subject')}</Table.Th>
                  <Table.Th>{t('audit.details')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((e) => (
                  <Table.Tr key={e.seq} data-testid="audit-row" data-action={e.action}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Text size="sm">{dateTime(e.at)}</Text>
                      <Text size="xs" c="dimmed" className="num">
                        #{e.seq}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Anchor
                        size="sm"
                        component="button"
                        type="button"
                        onClick={() => {
                          const next = { ...draft, actorUsername: e.actorUsername ?? '' };
                          setDraft(next);
                          setFilter(next);
                          setPage(0);
                        }}
                        data-testid="audit-row-actor"
                      >
                        {e.actorUsername ?? '–'}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {e.actorRole ?? ''}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Code>{e.action}</Code>
                    </Table.Td>
                    <Table.Td data-testid="audit-row-purpose">{e.purpose ?? '–'}</Table.Td>
                    <Table.Td>
                      {e.subjectType === 'person' && e.subjectId ? (
                        <Link to={`/persons/${e.subjectId}`} size="sm" className="mono">
                          {e.subjectId.slice(0, 8)}
                        </Link>
                      ) : (
                        <Text size="sm" className="mono">
                          {e.subjectType ? `${e.subjectType} ${e.subjectId?.slice(0, 8) ?? ''}` : '–'}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td maw={320}>
                      {e.redacted && (
                        <Badge size="xs" color="gray" variant="light" me={4}>
                          {t('audit.redacted')}
                        </Badge>
                      )}
                      <Text size="xs" className="mono" style={{ wordBreak: 'break-word' }} lineClamp={3}>
                        {e.details === null || e.details === undefined ? '' : JSON.stringify(e.details)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
                {rows.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={6}>
                      <Text c="dimmed">{t('audit.empty')}</Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        </Paper>
      )}
    </Stack>
  );
}
