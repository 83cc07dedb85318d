import { useEffect, useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Group, List, Loader, Modal, Paper, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { api, ApiError, apiPage } from '../lib/api';
import { dateTime, num } from '../lib/format';
import { useSession } from '../lib/session';
import { ErrorNote } from '../components/Problems';
import { Link } from '../components/Link';
import { Name } from '../components/Name';
import { PageHeader } from '../components/PageHeader';
import {
  HIT_STATUS_COLOR,
  SOURCE_LABEL,
  statusesOf,
  triggerText,
  versionLabel,
  type Hit,
  type HitDetail,
  type ReviewTab,
  type WatchlistVersion,
} from '../features/screening/screening.api';
import { Trans, useTranslation } from 'react-i18next';

type Decision = 'confirm' | 'dismiss';

/** The review tabs; their labels and empty texts are `screening:tab.<value>.label` / `.empty`. */
const TABS: ReviewTab[] = ['pending', 'decided', 'withdrawn'];

/** When a hit last moved: its decision, its withdrawal, else its last refresh (the decided and withdrawn tabs, newest first). */
/** Hits per page: a reviewer reads each card, so a short page. */
const PAGE = 50;

/** The birth evidence in words (`screening:birth.*`). */
const BIRTH_OUTCOMES: Record<Hit['evidence']['birth']['outcome'], true> = { match: true, compatible: true, near: true, differs: true, unknown: true };
const BIRTH_COLOR: Record<Hit['evidence']['birth']['outcome'], string> = {
  match: 'orange',
  compatible: 'yellow',
  near: 'gray',
  differs: 'teal',
  unknown: 'gray',
};

/**
 * The watchlist review queue: candidates the screening found between a person and a list entry, with the evidence for
 * and against. A decision (confirm or dismiss) needs a reason and is audited; only roles that may decide see the buttons.
 */
export default function ScreeningPage() {
  const { t } = useTranslation('screening');
  const session = useSession();
  const [tab, setTab] = useState<ReviewTab>('pending');
  const [deciding, setDeciding] = useState<{ hit: Hit; decision: Decision } | null>(null);
  const [page, setPage] = useState(0);
  // The server orders: the queue by strongest evidence, what has been dealt with newest first; it says how many in all.
  const queue = useQuery({
    queryKey: ['screening', 'hits', tab, page],
    queryFn: () => apiPage<Hit>(`/screening/hits?status=${statusesOf(tab).join(',')}&limit=${PAGE}&offset=${page * PAGE}`),
    placeholderData: keepPreviousData,
  });
  const hits = { ...queue, data: queue.data?.rows };
  const total = queue.data?.total ?? 0;
  // Deciding the last hits of the last page empties it: step back to the page that is now last.
  useEffect(() => {
    if (queue.data && queue.data.rows.length === 0 && page > 0) setPage(Math.max(0, Math.ceil(queue.data.total / PAGE) - 1));
  }, [queue.data, page]);
  // Withdrawals and removals name the list release by its id: the versions give it a file name and a date.
  const needsVersions = (hits.data ?? []).some((h) => h.withdrawal !== null || h.entry.removedIn !== null || h.trigger.startsWith('list_update:'));
  const versions = useQuery({
    queryKey: ['watchlists'],
    queryFn: () => api<WatchlistVersion[]>('/watchlists'),
    enabled: needsVersions,
    staleTime: 60_000,
  });
  const versionById = new Map((versions.data ?? []).map((v) => [v.id, v]));
  const canDecide = session.can('screening.decide');

  return (
    <Stack gap="md">
      <PageHeader title={t('title')} description={canDecide ? t('intro') : t('introReadOnly')} />
      <SegmentedControl
        value={tab}
        onChange={(v) => {
          setTab(v as ReviewTab);
          setPage(0);
        }}
        data={TABS.map((value) => ({ value, label: t(`tab.${value}.label`) }))}
        size="md"
        w={{ base: '100%', sm: 480 }}
        aria-label={t('tab.label')}
      />
      <ErrorNote error={hits.error} what={t('what.queue')} />
      {hits.isPending && <Loader aria-label={t('loadingQueue')} />}
      {total > 0 && (
        <Group gap="xs">
          <Text size="sm" data-testid="hit-count">
            {t('range', { from: num(page * PAGE + 1), to: num(page * PAGE + (hits.data?.length ?? 0)), total: num(total) })}
          </Text>
          <Button size="xs" variant="default" disabled={page === 0} onClick={() => setPage((p) => Math.max(0, p - 1))} data-testid="hit-page-prev">
            {t('common:previous')}
          </Button>
          <Button size="xs" variant="default" disabled={(page + 1) * PAGE >= total} onClick={() => setPage((p) => p + 1)} data-testid="hit-page-next">
            {t('common:next')}
          </Button>
        </Group>
      )}
      <Stack gap="sm" data-testid="hit-list">
        {(hits.data ?? []).map((h) => (
          <HitCard
            key={h.id}
            hit={h}
            versionById={versionById}
            canDecide={canDecide && h.status === 'pending'}
            canOpenPerson={session.can('persons.read')}
            onDecide={(decision) => setDeciding({ hit: h, decision })}
          />
        ))}
        {hits.data && hits.data.length === 0 && (
          <Paper withBorder p="lg" radius="md">
            <Text c="dimmed">{t(`tab.${tab}.empty`)}</Text>
          </Paper>
        )}
      </Stack>
      <DecideDialog target={deciding} onClose={() => setDeciding(null)} />
    </Stack>
  );
}

function HitCard({
  hit: h,
  versionById,
  canDecide,
  canOpenPerson,
  onDecide,
}: {
  hit: Hit;
  versionById: ReadonlyMap<string, WatchlistVersion>;
  canDecide: boolean;
  canOpenPerson: boolean;
  onDecide: (d: Decision) => void;
}) {
  const { t } = useTranslation('screening');
  const [showEntry, setShowEntry] = useState(false);
  const e = h.evidence;
  return (
    <Paper withBorder p="md" radius="md" data-testid="hit-card" data-hit-id={h.id} data-status={h.status}>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="md">
        <Stack gap={6} style={{ flex: '1 1 420px' }}>
          <Group gap="xs">
            <Badge color={HIT_STATUS_COLOR[h.status]} data-testid="hit-status">
              {t(`status.${h.status}`, { defaultValue: h.status })}
            </Badge>
            <Badge variant="outline" color="gray">
              {SOURCE_LABEL[h.entry.source]} {h.entry.ref}
            </Badge>
            {!h.entry.active && (
              <Badge color="gray" variant="light">
                {t('noLongerListed')}
              </Badge>
            )}
          </Group>
          <Text fw={600} data-testid="hit-person">
            {canOpenPerson ? (
              <Link to={`/persons/${h.personId}?purpose=security_screening`}>
                <Name inherit>{h.personName ?? h.personId.slice(0, 8)}</Name>
              </Link>
            ) : (
              <Name inherit>{h.personName ?? h.personId.slice(0, 8)}</Name>
            )}{' '}
            <Text span c="dimmed" fw={400}>
              {t('and')}
            </Text>{' '}
            <Name inherit>{h.entry.name}</Name>
          </Text>
          <Text size="sm" data-testid="hit-strength">
            {t('strength')} <b>{e.strength.toFixed(2)}</b>{' '}
            <Text span size="sm" c="dimmed">
              {t('strengthHint', { threshold: e.threshold.toFixed(2) })}
            </Text>
          </Text>
          {e.name && (
            <Text size="sm" data-testid="hit-name-evidence">
              {e.name.text}
            </Text>
          )}
          <Group gap="xs">
            <Badge variant="light" color={BIRTH_COLOR[e.birth.outcome]}>
              {BIRTH_OUTCOMES[e.birth.outcome] ? t(`birth.${e.birth.outcome}`) : e.birth.outcome}
              {e.birth.person || e.birth.entry ? `: ${e.birth.person ?? '?'} / ${e.birth.entry ?? '?'}` : ''}
            </Badge>
            <Badge variant="light" color={e.nationality.outcome === 'shared' ? 'orange' : 'gray'}>
              {e.nationality.outcome === 'shared'
                ? t('nationality.shared', { list: e.nationality.shared.join(', ') })
                : e.nationality.outcome === 'different'
                  ? t('nationality.differ', { person: e.nationality.person.join(', ') || '?', entry: e.nationality.entry.join(', ') || '?' })
                  : t('nationality.unknown')}
            </Badge>
            {e.sex && e.sex.outcome !== 'unknown' && (
              <Badge variant="light" color={e.sex.outcome === 'same' ? 'orange' : 'teal'} data-testid="hit-sex">
                {e.sex.outcome === 'same' ? t('sex.same', { sex: e.sex.person }) : t('sex.differs', { person: e.sex.person, entry: e.sex.entry })}
                {e.sex.entrySource === 'names' ? t('sex.fromNames') : ''}
              </Badge>
            )}
            {e.documents.map((d) => (
              <Badge key={d.number} color="red" variant="light">
                {t('sameDocument', { type: d.entryType, number: d.number })}
              </Badge>
            ))}
          </Group>
          {e.notes && e.notes.length > 0 && (
            <Text size="sm" c="dimmed" data-testid="hit-notes">
              {t('countedLess', { notes: e.notes.join('; ') })}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            {t('found', { time: dateTime(h.createdAt) })} <span data-testid="hit-trigger">{triggerText(h.trigger, h.personName, versionById)}</span>
          </Text>
          {h.decision && (
            <Text size="sm" data-testid="hit-decision">
              {t(h.status === 'confirmed' ? 'decision.confirmed' : 'decision.dismissed', { time: dateTime(h.decision.at) })}
              {h.decision.by ? ` ${t('decision.by', { who: h.decision.by })}` : ''}: {h.decision.reason}
            </Text>
          )}
          {h.withdrawal && (
            <Paper withBorder p="xs" radius="sm" bg="indigo.0" data-testid="hit-withdrawal">
              <Text size="sm">
                {t('withdrawn', { time: dateTime(h.withdrawal.at), version: versionLabel(versionById.get(h.withdrawal.versionId), h.withdrawal.versionId) })}
              </Text>
              <Text size="sm" c="dimmed" data-testid="hit-withdrawal-reason">
                {h.withdrawal.reason}
              </Text>
            </Paper>
          )}
          {/* a withdrawn hit says this above; a decided one keeps its decision, but the reviewer should know the entry is gone */}
          {!h.withdrawal && h.entry.removedIn && (
            <Text size="sm" c="dimmed" data-testid="hit-entry-removed">
              {t(h.decision ? 'removedStands' : 'removed', {
                version: versionLabel(versionById.get(h.entry.removedIn.versionId), h.entry.removedIn.versionId),
                time: dateTime(h.entry.removedIn.at),
              })}
            </Text>
          )}
          {showEntry && <EntryDetail hitId={h.id} />}
        </Stack>
        <Stack gap="xs">
          {canDecide && (
            <Group gap="xs">
              <Button size="md" color="red" variant="light" onClick={() => onDecide('confirm')} data-testid="hit-confirm">
                {t('confirmEllipsis')}
              </Button>
              <Button size="md" variant="default" onClick={() => onDecide('dismiss')} data-testid="hit-dismiss">
                {t('dismissEllipsis')}
              </Button>
            </Group>
          )}
          <Button size="xs" variant="subtle" onClick={() => setShowEntry((s) => !s)} data-testid="hit-entry-toggle">
            {showEntry ? t('hideEntry') : t('showEntry')}
          </Button>
        </Stack>
      </Group>
    </Paper>
  );
}

/** The list entry as imported; opening it is audited (a read of the hit). */
function EntryDetail({ hitId }: { hitId: string }) {
  const { t } = useTranslation('screening');
  const detail = useQuery({ queryKey: ['screening', 'hit', hitId], queryFn: () => api<HitDetail>(`/screening/hits/${hitId}`) });
  if (detail.error) return <ErrorNote error={detail.error} what={t('what.entry')} />;
  const d = detail.data?.entryData;
  if (!detail.data) return <Text size="sm">{t('entry.loading')}</Text>;
  if (!d) return <Text size="sm">{t('entry.gone')}</Text>;
  return (
    <Paper withBorder p="sm" radius="sm" bg="gray.0" data-testid="hit-entry">
      <Text size="sm" fw={600}>
        {d.ref} · {d.kind}
        {d.program ? ` · ${d.program}` : ''}
        {d.listedOn ? ` · ${t('entry.listed', { date: d.listedOn })}` : ''}
      </Text>
      <List size="sm" spacing={2} mt={4}>
        {d.names.slice(0, 12).map((n, i) => (
          <List.Item key={i}>
            <Name inherit>{n.full}</Name>{' '}
            <Text span size="xs" c="dimmed">
              {n.kind}
              {n.quality && n.quality !== 'good' ? `, ${n.quality}` : ''}
            </Text>
          </List.Item>
        ))}
        {d.names.length > 12 && <List.Item>{t('entry.moreNames', { n: num(d.names.length - 12) })}</List.Item>}
      </List>
      <Text size="sm" mt={4}>
        {t('entry.born', { births: d.births.map((b) => b.text).join('; ') || t('entry.notGiven') })} ·{' '}
        {t('entry.nationality', { list: d.nationalities.join(', ') || t('entry.notGiven') })}
        {d.documents.length ? ` · ${t('entry.documents', { list: d.documents.map((x) => `${x.type} ${x.number}`).join('; ') })}` : ''}
      </Text>
      {d.remarks && (
        <Text size="xs" c="dimmed" mt={4} lineClamp={4}>
          {d.remarks}
        </Text>
      )}
    </Paper>
  );
}

function DecideDialog({ target, onClose }: { target: { hit: Hit; decision: Decision } | null; onClose: () => void }) {
  const { t } = useTranslation('screening');
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const decide = useMutation({
    mutationFn: () => api(`/screening/hits/${target!.hit.id}/${target!.decision}`, { method: 'POST', body: { reason: reason.trim() } }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['screening', 'hits'] });
      setReason('');
      onClose();
    },
    // Decided by a colleague or withdrawn by a list import meanwhile: the message says which, and the queue is
    // reloaded so that the card moves to where it now belongs.
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) void qc.invalidateQueries({ queryKey: ['screening', 'hits'] });
    },
  });
  const confirm = target?.decision === 'confirm';
  // a refusal belongs to the hit it was about: the next hit's dialog opens without it
  const close = () => {
    decide.reset();
    onClose();
  };
  return (
    <Modal opened={!!target} onClose={close} title={confirm ? t('decide.confirmTitle') : t('decide.dismissTitle')} size="lg">
      {target && (
        <Stack>
          <Text>
            <Trans
              t={t}
              i18nKey={confirm ? 'decide.confirmText' : 'decide.dismissText'}
              values={{ person: target.hit.personName ?? t('decide.thisPerson'), entry: target.hit.entry.name, ref: target.hit.entry.ref }}
              components={{ b: <b /> }}
            />
          </Text>
          <Textarea
            label={t('decide.reason')}
            description={t('decide.reasonHint')}
            required
            minRows={3}
            autosize
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            data-testid="decision-reason"
            data-autofocus
          />
          <ErrorNote error={decide.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common:cancel')}
            </Button>
            <Button
              color={confirm ? 'red' : undefined}
              onClick={() => decide.mutate()}
              disabled={reason.trim().length < 3}
              loading={decide.isPending}
              data-testid="decision-submit"
            >
              {confirm ? t('decide.confirmTitle') : t('decide.dismiss')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
