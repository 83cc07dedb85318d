import { useRef, useState } from 'react';
import { errorText } from '../i18n/errors';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Badge, Button, FileInput, Group, Paper, Progress, ScrollArea, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../lib/api';
import { dateTime, num } from '../lib/format';
import { useSession } from '../lib/session';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { ErrorNote } from '../components/Problems';
import { PageHeader } from '../components/PageHeader';
import { Panel } from '../components/Panel';
import { Pager } from '../features/admin/Pager';
import { SOURCE_LABEL, type WatchlistVersion } from '../features/screening/screening.api';
import { uploadWatchlist, WATCHLIST_MAX_BYTES, type ImportResult, type ListFormat, type VersionDetail } from '../features/admin/admin.api';

const CHANGE_COLOR = { added: 'red', removed: 'teal', changed: 'orange' } as const;
const CHANGES_PAGE = 100;
const MiB = 1024 * 1024;
const mb = (bytes: number) => num(Math.round((bytes / MiB) * 10) / 10);
/** A file's size as people read it: KB under a megabyte, MB with one decimal above. */
const sizeText = (bytes: number) => (bytes < MiB ? `${num(Math.max(1, Math.ceil(bytes / 1024)))} KB` : `${mb(bytes)} MB`);

/**
 * Watchlist releases (screening.read): every imported version per list with its counts and what it changed against
 * the one before (added, removed, changed entries, by reference and name); an import of a new release for the roles
 * that may decide (screening.decide), with the upload's progress, and a refusal (an older release, a mass removal)
 * explained with the choice to go ahead.
 */
export default function WatchlistsPage() {
  const { t } = useTranslation('admin');
  const session = useSession();
  const [source, setSource] = useState<ListFormat>('un-consolidated');
  const [openId, setOpenId] = useState<string | null>(null);
  const versions = useQuery({ queryKey: ['watchlists'], queryFn: () => api<WatchlistVersion[]>('/watchlists') });
  const shown = (versions.data ?? []).filter((v) => v.source === source);
  return (
    <Stack gap="md">
      <PageHeader title={t('watchlists.title')} description={t('watchlists.description')} />
      {session.can('screening.decide') && <ImportPanel onImported={(r) => setOpenId(r.id)} />}
      <SegmentedControl
        value={source}
        onChange={(v) => setSource(v as ListFormat)}
        data={(Object.keys(SOURCE_LABEL) as ListFormat[]).map((s) => ({ value: s, label: SOURCE_LABEL[s] }))}
        data-testid="watchlist-source"
      />
      <ErrorNote error={versions.error} what={t('watchlists.title')} />
      <Text size="sm" data-testid="versions-count">
        {t('watchlists.versionCount', { count: shown.length })}
      </Text>
      {shown.length > 0 && (
        <Paper withBorder radius="md">
          <ScrollArea type="auto">
            <Table verticalSpacing="xs" miw={700} data-testid="versions-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('watchlists.release')}</Table.Th>
                  <Table.Th>{t('watchlists.imported')}</Table.Th>
                  <Table.Th ta="end">{t('watchlists.entries')}</Table.Th>
                  <Table.Th ta="end">{t('watchlists.added')}</Table.Th>
                  <Table.Th ta="end">{t('watchlists.removed')}</Table.Th>
                  <Table.Th ta="end">{t('watchlists.changed')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.map((v, i) => (
                  <Table.Tr key={v.id} data-testid="version-row">
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {v.fileName ?? v.id.slice(0, 8)}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {v.generatedAt ? t('watchlists.generated', { date: dateTime(v.generatedAt) }) : t('watchlists.noDate')}
                        {i === 0 ? ` · ${t('watchlists.current')}` : ''}
                      </Text>
                      {v.warnings.map((w) => (
                        <Text key={w} size="xs" c="orange.8">
                          {w}
                        </Text>
                      ))}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{dateTime(v.importedAt)}</Text>
                      <Text size="xs" c="dimmed">
                        {v.importedBy ?? ''}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="end" className="num">
                      {num(v.stats.entries)}
                    </Table.Td>
                    <Table.Td ta="end" className="num">
                      {num(v.diff.added)}
                    </Table.Td>
                    <Table.Td ta="end" className="num">
                      {num(v.diff.removed)}
                    </Table.Td>
                    <Table.Td ta="end" className="num">
                      {num(v.diff.changed)}
                    </Table.Td>
                    <Table.Td ta="end">
                      <Button size="xs" variant="default" onClick={() => setOpenId(openId === v.id ? null : v.id)} data-testid="version-open">
                        {openId === v.id ? t('close') : t('watchlists.changes')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        </Paper>
      )}
      {openId && <VersionChanges id={openId} />}
    </Stack>
  );
}

/** What one release changed, entry by entry, a page at a time. */
function VersionChanges({ id }: { id: string }) {
  const { t } = useTranslation('admin');
  const [page, setPage] = useState(0);
  const detail = useQuery({ queryKey: ['watchlists', 'version', id], queryFn: () => api<VersionDetail>(`/watchlists/versions/${id}`) });
  if (detail.error) return <ErrorNote error={detail.error} what={t('watchlists.changes')} />;
  if (!detail.data) return null;
  const d = detail.data;
  const rows = d.changes.slice(page * CHANGES_PAGE, (page + 1) * CHANGES_PAGE);
  return (
    <Panel
      title={t('watchlists.changesOf', { name: d.fileName ?? d.id.slice(0, 8) })}
      description={t('watchlists.changesSummary', {
        added: num(d.diff.added),
        removed: num(d.diff.removed),
        changed: num(d.diff.changed),
        withdrawn: num(d.withdrawnHits),
      })}
      testId="version-changes"
    >
      <Stack gap="xs">
        <Pager page={page} size={CHANGES_PAGE} shown={rows.length} total={d.changes.length} onPage={setPage} testId="changes" />
        {rows.length > 0 && (
          <ScrollArea type="auto">
            <Table verticalSpacing={4} miw={420}>
              <Table.Tbody>
                {rows.map((c) => (
                  <Table.Tr key={`${c.change}-${c.ref}`} data-testid="change-row">
                    <Table.Td w={110}>
                      <Badge color={CHANGE_COLOR[c.change]} variant="light">
                        {t(`watchlists.${c.change}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td className="mono" w={140}>
                      {c.ref}
                    </Table.Td>
                    <Table.Td>{c.name}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        )}
      </Stack>
    </Panel>
  );
}

type Refusal = { kind: 'older' | 'mass'; message: string };

function ImportPanel({ onImported }: { onImported: (r: ImportResult) => void }) {
  const { t } = useTranslation('admin');
  const qc = useQueryClient();
  const [format, setFormat] = useState<ListFormat>('un-consolidated');
  const [main, setMain] = useState<File | null>(null);
  const [alt, setAlt] = useState<File | null>(null);
  const [add, setAdd] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [done, setDone] = useState<ImportResult | null>(null);
  const abort = useRef<AbortController | null>(null);

  const size = (main?.size ?? 0) + (alt?.size ?? 0) + (add?.size ?? 0);
  const tooLarge = size > WATCHLIST_MAX_BYTES;

  async function send(opts: { force?: boolean; confirmRemoval?: boolean } = {}) {
    if (!main || tooLarge) return;
    setError(null);
    setRefusal(null);
    setDone(null);
    setProgress(0);
    abort.current = new AbortController();
    try {
      const result = await uploadWatchlist(
        { format, files: { main, alt: alt ?? undefined, add: add ?? undefined }, ...opts },
        setProgress,
        abort.current.signal,
      );
      setDone(result);
      await qc.invalidateQueries({ queryKey: ['watchlists'] });
      onImported(result);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'watchlist.older_release') setRefusal({ kind: 'older', message: errorText(e) });
      else if (e instanceof ApiError && e.code === 'watchlist.mass_removal') setRefusal({ kind: 'mass', message: errorText(e) });
      else setError(e);
    } finally {
      setProgress(null);
      abort.current = null;
    }
  }

  return (
    <Panel title={t('watchlists.importTitle')} description={t('watchlists.importHint', { mb: mb(WATCHLIST_MAX_BYTES) })} testId="watchlist-import">
      <Stack gap="sm">
        <SegmentedControl
          value={format}
          onChange={(v) => {
            setFormat(v as ListFormat);
            setMain(null);
            setAlt(null);
            setAdd(null);
          }}
          data={[
            { value: 'un-consolidated', label: t('watchlists.formatUn') },
            { value: 'ofac-sdn', label: t('watchlists.formatOfac') },
          ]}
          data-testid="import-format"
        />
        <Group gap="sm" align="flex-end" wrap="wrap">
          <FileInput
            label={format === 'un-consolidated' ? t('watchlists.fileUn') : t('watchlists.fileSdn')}
            accept={format === 'un-consolidated' ? '.xml,application/xml,text/xml' : '.csv,text/csv'}
            value={main}
            onChange={setMain}
            clearable
            w={260}
            data-testid="import-file"
          />
          {format === 'ofac-sdn' && (
            <>
              <FileInput label={t('watchlists.fileAlt')} accept=".csv,text/csv" value={alt} onChange={setAlt} clearable w={200} />
              <FileInput label={t('watchlists.fileAdd')} accept=".csv,text/csv" value={add} onChange={setAdd} clearable w={200} />
            </>
          )}
          <Button onClick={() => void send()} disabled={!main || tooLarge || progress !== null} loading={progress !== null} data-testid="import-send">
            {t('watchlists.import')}
          </Button>
        </Group>
        {main && (
          <Text size="xs" c={tooLarge ? 'red' : 'dimmed'} data-testid="import-size">
            {tooLarge ? t('watchlists.tooLarge', { size: sizeText(size), mb: mb(WATCHLIST_MAX_BYTES) }) : t('watchlists.size', { size: sizeText(size) })}
          </Text>
        )}
        {progress !== null && (
          <Stack gap={4} data-testid="import-progress">
            <Progress value={Math.round(progress * 100)} animated={progress >= 1} aria-label={t('watchlists.progress')} />
            <Group justify="space-between">
              <Text size="xs">{progress >= 1 ? t('watchlists.processing') : t('watchlists.sent', { percent: Math.round(progress * 100) })}</Text>
              <Button size="compact-xs" variant="subtle" onClick={() => abort.current?.abort()}>
                {t('cancel')}
              </Button>
            </Group>
          </Stack>
        )}
        {refusal && (
          <Alert color="orange" title={refusal.kind === 'older' ? t('watchlists.olderTitle') : t('watchlists.massTitle')} data-testid="import-refusal">
            <Stack gap="xs">
              <Text size="sm">{refusal.message}</Text>
              <Text size="sm">{refusal.kind === 'older' ? t('watchlists.olderExplain') : t('watchlists.massExplain')}</Text>
              <Group>
                <Button
                  size="xs"
                  color="orange"
                  onClick={() => void send(refusal.kind === 'older' ? { force: true } : { confirmRemoval: true })}
                  data-testid="import-force"
                >
                  {refusal.kind === 'older' ? t('watchlists.force') : t('watchlists.confirmRemoval')}
                </Button>
                <Button size="xs" variant="default" onClick={() => setRefusal(null)}>
                  {t('cancel')}
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        <ApiErrorAlert error={error} title={t('watchlists.notImported')} testId="import-error" />
        {done && (
          <Alert color="teal" title={t('watchlists.importedTitle')} data-testid="import-done">
            {t('watchlists.importedSummary', {
              entries: num(done.stats.entries),
              added: num(done.diff.added),
              removed: num(done.diff.removed),
              changed: num(done.diff.changed),
            })}
          </Alert>
        )}
      </Stack>
    </Panel>
  );
}
