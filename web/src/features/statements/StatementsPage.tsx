import { useEffect, useState, type MouseEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert as MAlert, Anchor, Badge, Button, Code, Grid, Group, ScrollArea, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, bearerToken, download } from '../../lib/api';
import { dateTime, num, shortHash, statusLabel } from '../../lib/format';
import { useRouter } from '../../lib/router';
import { useSession } from '../../lib/session';
import { PageHeader } from '../../components/PageHeader';
import { Panel } from '../../components/Panel';
import { StatCard } from '../../components/StatCard';
import { ErrorNote } from '../../components/Problems';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { Pager } from '../admin/Pager';
import { checkSignature, countsTable, PAGE_SIZE, useStatement, useStatements, type Statement } from './statements.api';

const fileName = (s: Statement) => `custody-statement-${s.issuedAt.replace(/[:.]/g, '-')}.json`;

/** The link downloads with the session cookie; in bearer mode the file is fetched with the header instead. */
function bearerDownload(path: string, name: string) {
  return (e: MouseEvent) => {
    if (!bearerToken()) return;
    e.preventDefault();
    void download(path, name);
  };
}

/**
 * For outside monitors: the site's signed custody statements (counts by facility and status, every chain's head with
 * its Merkle root, the audit head), the signature and the key, the statement as JSON to keep, and how to check an
 * export of the chain against it offline.
 */
export default function StatementsPage() {
  const { t } = useTranslation('statements');
  const session = useSession();
  const { search, navigate } = useRouter();
  const qc = useQueryClient();
  const [page, setPage] = useState(0);
  const list = useStatements(page);
  const chosen = search.get('id');
  const selectedId = chosen ?? list.data?.items[0]?.id ?? null;
  const one = useStatement(selectedId);
  const issue = useMutation({
    mutationFn: () => api<Statement>('/statements', { method: 'POST' }),
    onSuccess: async (s) => {
      setPage(0);
      await qc.invalidateQueries({ queryKey: ['statements'] });
      navigate(`/statements?id=${s.id}`, { replace: true });
    },
  });

  if (list.error) return <ErrorNote error={list.error} what={t('what')} />;
  const items = list.data?.items ?? [];
  const total = list.data?.total ?? 0;

  return (
    <Stack gap="md">
      <PageHeader
        title={t('title')}
        description={t('intro')}
        actions={
          <Group gap="xs">
            <Button
              component="a"
              variant="light"
              href="/api/v1/ledger/export"
              download="custos-ledger-export.ndjson"
              onClick={bearerDownload('/ledger/export', 'custos-ledger-export.ndjson')}
              data-testid="ledger-export"
            >
              {t('export')}
            </Button>
            {session.can('ledger.statement') && (
              <Button onClick={() => issue.mutate()} loading={issue.isPending} data-testid="issue-statement">
                {t('issue')}
              </Button>
            )}
          </Group>
        }
      />
      {issue.error && <ApiErrorAlert error={issue.error} title={t('issueFailed')} />}

      <Panel title={t('list.title')} description={t('list.description')} testId="statements-list">
        {list.isPending ? (
          <Text size="sm" c="dimmed">
            {t('loading')}
          </Text>
        ) : items.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="statements-none">
            {t('list.none')}
          </Text>
        ) : (
          <ScrollArea type="auto">
            <Table striped highlightOnHover data-testid="statements-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('list.issuedAt')}</Table.Th>
                  <Table.Th>{t('list.reason')}</Table.Th>
                  <Table.Th>{t('list.site')}</Table.Th>
                  <Table.Th ta="end">{t('list.persons')}</Table.Th>
                  <Table.Th ta="end">{t('list.events')}</Table.Th>
                  <Table.Th>{t('list.signature')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((s) => {
                  const persons = s.statement.counts.reduce((n, c) => n + c.count, 0);
                  const events = s.statement.ledger.reduce((n, h) => n + h.seq, 0);
                  const active = s.id === selectedId;
                  return (
                    <Table.Tr
                      key={s.id}
                      data-testid="statement-row"
                      data-id={s.id}
                      aria-selected={active}
                      bg={active ? 'var(--mantine-color-blue-light)' : undefined}
                      style={{ cursor: 'pointer' }}
                      onClick={() => navigate(`/statements?id=${s.id}`, { replace: true })}
                    >
                      <Table.Td>
                        <Anchor
                          href={`/statements?id=${s.id}`}
                          onClick={(e) => {
                            e.preventDefault();
                          }}
                        >
                          {dateTime(s.issuedAt)}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={s.reason === 'daily' ? 'gray' : 'blue'}>
                          {t(`reason.${s.reason}`, { defaultValue: s.reason })}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{s.siteId}</Table.Td>
                      <Table.Td ta="end" className="num">
                        {num(persons)}
                      </Table.Td>
                      <Table.Td ta="end" className="num">
                        {num(events)}
                      </Table.Td>
                      <Table.Td>
                        <Code title={s.signature}>{`${s.signature.slice(0, 16)}…`}</Code>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        )}
        <Group mt="xs">
          <Pager page={page} size={PAGE_SIZE} shown={items.length} total={total} onPage={setPage} testId="statements-pager" />
        </Group>
      </Panel>

      {one.error && <ErrorNote error={one.error} what={t('what')} />}
      {one.data && <StatementDetail s={one.data} />}
      <OfflineCheck />
    </Stack>
  );
}

function StatementDetail({ s }: { s: Statement }) {
  const { t } = useTranslation('statements');
  const table = countsTable(s.statement.counts);
  const events = s.statement.ledger.reduce((n, h) => n + h.seq, 0);
  const check = useQuery({ queryKey: ['statements', 'signature', s.id], queryFn: () => checkSignature(s), staleTime: Infinity });
  const [copied, setCopied] = useState<string | null>(null);
  useEffect(() => setCopied(null), [s.id]);
  const copy = (what: string, text: string) => {
    void navigator.clipboard?.writeText(text).then(
      () => setCopied(what),
      () => undefined,
    );
  };
  const jsonPath = `/statements/${s.id}`;
  return (
    <Stack gap="md" data-testid="statement-detail" data-id={s.id}>
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        <StatCard label={t('detail.issuedAt')} value={dateTime(s.issuedAt)} hint={t(`reason.${s.reason}`, { defaultValue: s.reason })} testId="detail-issued" />
        <StatCard
          label={t('detail.persons')}
          value={num(table.total)}
          hint={t('detail.facilities', { count: table.rows.length, n: num(table.rows.length) })}
          testId="detail-persons"
        />
        <StatCard
          label={t('detail.events')}
          value={num(events)}
          hint={t('detail.chains', { count: s.statement.ledger.length, n: num(s.statement.ledger.length) })}
          testId="detail-events"
        />
        <StatCard
          label={t('detail.signature')}
          value={
            check.data ? (
              <Badge
                size="lg"
                color={check.data === 'valid' ? 'teal' : check.data === 'invalid' ? 'red' : 'gray'}
                data-testid="signature-check"
                data-result={check.data}
              >
                {t(`check.${check.data}`)}
              </Badge>
            ) : (
              '…'
            )
          }
          hint={t('check.hint')}
        />
      </SimpleGrid>

      <Panel title={t('counts.title')} description={t('counts.description')} testId="statement-counts">
        <ScrollArea type="auto">
          <Table striped data-testid="counts-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('counts.facility')}</Table.Th>
                {table.statuses.map((st) => (
                  <Table.Th key={st} ta="end">
                    {statusLabel(st)}
                  </Table.Th>
                ))}
                <Table.Th ta="end">{t('counts.total')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {table.rows.map((r) => (
                <Table.Tr key={r.facilityId} data-testid={`counts-${r.facilityCode}`}>
                  <Table.Td>{r.facilityCode}</Table.Td>
                  {table.statuses.map((st) => (
                    <Table.Td key={st} ta="end" className="num" data-status={st}>
                      {r.byStatus[st] ? num(r.byStatus[st]) : '–'}
                    </Table.Td>
                  ))}
                  <Table.Td ta="end" className="num" fw={600} data-testid="row-total">
                    {num(r.total)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
            <Table.Tfoot>
              <Table.Tr>
                <Table.Th>{t('counts.total')}</Table.Th>
                {table.statuses.map((st) => (
                  <Table.Th key={st} ta="end" className="num">
                    {num(table.totals[st] ?? 0)}
                  </Table.Th>
                ))}
                <Table.Th ta="end" className="num" data-testid="counts-total">
                  {num(table.total)}
                </Table.Th>
              </Table.Tr>
            </Table.Tfoot>
          </Table>
        </ScrollArea>
      </Panel>

      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Panel title={t('heads.title')} description={t('heads.description')} testId="statement-heads">
            <ScrollArea type="auto">
              <Table data-testid="heads-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('heads.site')}</Table.Th>
                    <Table.Th ta="end">{t('heads.seq')}</Table.Th>
                    <Table.Th>{t('heads.hash')}</Table.Th>
                    <Table.Th>{t('heads.merkle')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {s.statement.ledger.map((h) => (
                    <Table.Tr key={h.siteId} data-testid="head-row">
                      <Table.Td>{h.siteId}</Table.Td>
                      <Table.Td ta="end" className="num">
                        {num(h.seq)}
                      </Table.Td>
                      <Table.Td>
                        <Code title={h.hash}>{shortHash(h.hash)}</Code>
                      </Table.Td>
                      <Table.Td>
                        <Code title={h.merkleRoot}>{shortHash(h.merkleRoot)}</Code>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                  <Table.Tr data-testid="audit-head">
                    <Table.Td>{t('heads.audit')}</Table.Td>
                    <Table.Td ta="end" className="num">
                      {num(s.statement.audit.seq)}
                    </Table.Td>
                    <Table.Td colSpan={2}>
                      <Code title={s.statement.audit.hash}>{shortHash(s.statement.audit.hash)}</Code>
                    </Table.Td>
                  </Table.Tr>
                </Table.Tbody>
              </Table>
            </ScrollArea>
          </Panel>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Panel title={t('keep.title')} description={t('keep.description')} testId="statement-keep">
            <Stack gap="xs">
              <Button
                component="a"
                href={`/api/v1${jsonPath}`}
                download={fileName(s)}
                onClick={bearerDownload(jsonPath, fileName(s))}
                variant="light"
                data-testid="statement-json"
              >
                {t('keep.download')}
              </Button>
              <Text size="xs" c="dimmed">
                {t('keep.issuedBy', { who: s.issuedBy, site: s.siteId })}
              </Text>
            </Stack>
          </Panel>
        </Grid.Col>
      </Grid>

      <Panel title={t('sig.title')} description={t('sig.description')} testId="statement-signature">
        <Stack gap="xs">
          <Group justify="space-between" wrap="nowrap">
            <Text size="sm" fw={600}>
              {t('sig.signature')}
            </Text>
            <Button size="compact-xs" variant="subtle" onClick={() => copy('signature', s.signature)}>
              {copied === 'signature' ? t('sig.copied') : t('sig.copy')}
            </Button>
          </Group>
          <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="signature">
            {s.signature}
          </Code>
          <Group justify="space-between" wrap="nowrap">
            <Text size="sm" fw={600}>
              {t('sig.publicKey')}
            </Text>
            <Button size="compact-xs" variant="subtle" onClick={() => copy('key', s.publicKey)}>
              {copied === 'key' ? t('sig.copied') : t('sig.copy')}
            </Button>
          </Group>
          <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="public-key">
            {s.publicKey}
          </Code>
          <Text size="xs" c="dimmed">
            {t('sig.pin')}
          </Text>
        </Stack>
      </Panel>
    </Stack>
  );
}

function OfflineCheck() {
  const { t } = useTranslation('statements');
  return (
    <Panel title={t('offline.title')} description={t('offline.description')} testId="offline-check">
      <Stack gap="xs">
        <Text size="sm">{t('offline.step1')}</Text>
        <Code block>{'npx custos ledger export --out ledger.ndjson'}</Code>
        <Text size="sm">{t('offline.step2')}</Text>
        <Code block>{'npx custos ledger check ledger.ndjson --published custody-statement-*.json --key KEY'}</Code>
        <Text size="sm">{t('offline.step3')}</Text>
        <MAlert variant="light" color="gray">
          <Text size="sm">{t('offline.limits')}</Text>
        </MAlert>
      </Stack>
    </Panel>
  );
}
