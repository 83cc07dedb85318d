import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Group, List, Loader, Modal, Paper, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { api, ApiError } from '../lib/api';
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

type Decision = 'confirm' | 'dismiss';

const TABS: { value: ReviewTab; label: string; empty: string }[] = [
  { value: 'pending', label: 'Awaiting review', empty: 'Nothing awaits review.' },
  { value: 'decided', label: 'Decided', empty: 'No decisions yet.' },
  {
    value: 'withdrawn',
    label: 'Withdrawn',
    empty: 'No hit has been withdrawn. A hit is withdrawn when a new release of its list removes the entry before anyone decided it.',
  },
];

/** When a hit last moved: its decision, its withdrawal, else its last refresh (the decided and withdrawn tabs, newest first). */
const movedAt = (h: Hit): string => h.decision?.at ?? h.withdrawal?.at ?? h.updatedAt;

const BIRTH_TEXT: Record<Hit['evidence']['birth']['outcome'], string> = {
  match: 'same birth',
  compatible: 'births compatible',
  near: 'births close',
  differs: 'births differ',
  unknown: 'birth unknown on one side',
};
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
  const session = useSession();
  const [tab, setTab] = useState<ReviewTab>('pending');
  const [deciding, setDeciding] = useState<{ hit: Hit; decision: Decision } | null>(null);
  const hits = useQuery({
    queryKey: ['screening', 'hits', tab],
    queryFn: async () => {
      const lists = await Promise.all(statusesOf(tab).map((status) => api<Hit[]>(`/screening/hits?status=${status}&limit=200`)));
      // the queue keeps the server's order (strongest evidence first); what has been dealt with reads newest first
      return tab === 'pending' ? lists.flat() : lists.flat().sort((a, b) => movedAt(b).localeCompare(movedAt(a)));
    },
  });
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
      <PageHeader
        title="Screening review"
        description={`Possible matches between persons in custody and the sanctions lists. The strength orders the evidence; it is not a verdict: confirm or dismiss each one with a reason${canDecide ? '' : ' (your role may read the queue, not decide)'}.`}
      />
      <SegmentedControl
        value={tab}
        onChange={(v) => setTab(v as ReviewTab)}
        data={TABS.map(({ value, label }) => ({ value, label }))}
        size="md"
        w={{ base: '100%', sm: 480 }}
        aria-label="Review status"
      />
      <ErrorNote error={hits.error} what="the review queue" />
      {hits.isPending && <Loader aria-label="Loading the review queue" />}
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
            <Text c="dimmed">{TABS.find((t) => t.value === tab)?.empty}</Text>
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
  const [showEntry, setShowEntry] = useState(false);
  const e = h.evidence;
  return (
    <Paper withBorder p="md" radius="md" data-testid="hit-card" data-hit-id={h.id} data-status={h.status}>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="md">
        <Stack gap={6} style={{ flex: '1 1 420px' }}>
          <Group gap="xs">
            <Badge color={HIT_STATUS_COLOR[h.status]} data-testid="hit-status">
              {h.status}
            </Badge>
            <Badge variant="outline" color="gray">
              {SOURCE_LABEL[h.entry.source]} {h.entry.ref}
            </Badge>
            {!h.entry.active && (
              <Badge color="gray" variant="light">
                no longer on the list
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
              and
            </Text>{' '}
            <Name inherit>{h.entry.name}</Name>
          </Text>
          <Text size="sm" data-testid="hit-strength">
            Evidence strength <b>{e.strength.toFixed(2)}</b>{' '}
            <Text span size="sm" c="dimmed">
              (candidates from {e.threshold.toFixed(2)}; a score to order the queue, not a probability)
            </Text>
          </Text>
          {e.name && (
            <Text size="sm" data-testid="hit-name-evidence">
              {e.name.text}
            </Text>
          )}
          <Group gap="xs">
            <Badge variant="light" color={BIRTH_COLOR[e.birth.outcome]}>
              {BIRTH_TEXT[e.birth.outcome]}
              {e.birth.person || e.birth.entry ? `: ${e.birth.person ?? '?'} / ${e.birth.entry ?? '?'}` : ''}
            </Badge>
            <Badge variant="light" color={e.nationality.outcome === 'shared' ? 'orange' : 'gray'}>
              {e.nationality.outcome === 'shared'
                ? `nationality shared: ${e.nationality.shared.join(', ')}`
                : e.nationality.outcome === 'different'
                  ? `nationalities differ: ${e.nationality.person.join(', ') || '?'} / ${e.nationality.entry.join(', ') || '?'}`
                  : 'nationality unknown on one side'}
            </Badge>
            {e.sex && e.sex.outcome !== 'unknown' && (
              <Badge variant="light" color={e.sex.outcome === 'same' ? 'orange' : 'teal'} data-testid="hit-sex">
                {e.sex.outcome === 'same' ? `same sex: ${e.sex.person}` : `sex differs: ${e.sex.person} / ${e.sex.entry}`}
                {e.sex.entrySource === 'names' ? ' (entry: from its names)' : ''}
              </Badge>
            )}
            {e.documents.map((d) => (
              <Badge key={d.number} color="red" variant="light">
                same {d.entryType} number {d.number}
              </Badge>
            ))}
          </Group>
          {e.notes && e.notes.length > 0 && (
            <Text size="sm" c="dimmed" data-testid="hit-notes">
              Counted less: {e.notes.join('; ')}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            Found {dateTime(h.createdAt)} <span data-testid="hit-trigger">{triggerText(h.trigger, h.personName, versionById)}</span>
          </Text>
          {h.decision && (
            <Text size="sm" data-testid="hit-decision">
              {h.status === 'confirmed' ? 'Confirmed' : 'Dismissed'} {dateTime(h.decision.at)}
              {h.decision.by ? ` by ${h.decision.by}` : ''}: {h.decision.reason}
            </Text>
          )}
          {h.withdrawal && (
            <Paper withBorder p="xs" radius="sm" bg="indigo.0" data-testid="hit-withdrawal">
              <Text size="sm">
                Withdrawn {dateTime(h.withdrawal.at)} by the {versionLabel(versionById.get(h.withdrawal.versionId), h.withdrawal.versionId)}: nothing is left to
                decide.
              </Text>
              <Text size="sm" c="dimmed" data-testid="hit-withdrawal-reason">
                {h.withdrawal.reason}
              </Text>
            </Paper>
          )}
          {/* a withdrawn hit says this above; a decided one keeps its decision, but the reviewer should know the entry is gone */}
          {!h.withdrawal && h.entry.removedIn && (
            <Text size="sm" c="dimmed" data-testid="hit-entry-removed">
              The entry has since been removed from the list by the {versionLabel(versionById.get(h.entry.removedIn.versionId), h.entry.removedIn.versionId)},
              imported {dateTime(h.entry.removedIn.at)}
              {h.decision ? '; the decision stands.' : '.'}
            </Text>
          )}
          {showEntry && <EntryDetail hitId={h.id} />}
        </Stack>
        <Stack gap="xs">
          {canDecide && (
            <Group gap="xs">
              <Button size="md" color="red" variant="light" onClick={() => onDecide('confirm')} data-testid="hit-confirm">
                Confirm…
              </Button>
              <Button size="md" variant="default" onClick={() => onDecide('dismiss')} data-testid="hit-dismiss">
                Dismiss…
              </Button>
            </Group>
          )}
          <Button size="xs" variant="subtle" onClick={() => setShowEntry((s) => !s)} data-testid="hit-entry-toggle">
            {showEntry ? 'Hide the list entry' : 'Show the list entry'}
          </Button>
        </Stack>
      </Group>
    </Paper>
  );
}

/** The list entry as imported; opening it is audited (a read of the hit). */
function EntryDetail({ hitId }: { hitId: string }) {
  const detail = useQuery({ queryKey: ['screening', 'hit', hitId], queryFn: () => api<HitDetail>(`/screening/hits/${hitId}`) });
  if (detail.error) return <ErrorNote error={detail.error} what="the list entry" />;
  const d = detail.data?.entryData;
  if (!detail.data) return <Text size="sm">Loading the list entry…</Text>;
  if (!d) return <Text size="sm">The list entry is no longer stored.</Text>;
  return (
    <Paper withBorder p="sm" radius="sm" bg="gray.0" data-testid="hit-entry">
      <Text size="sm" fw={600}>
        {d.ref} · {d.kind}
        {d.program ? ` · ${d.program}` : ''}
        {d.listedOn ? ` · listed ${d.listedOn}` : ''}
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
        {d.names.length > 12 && <List.Item>and {num(d.names.length - 12)} more names</List.Item>}
      </List>
      <Text size="sm" mt={4}>
        Born: {d.births.map((b) => b.text).join('; ') || 'not given'} · Nationality: {d.nationalities.join(', ') || 'not given'}
        {d.documents.length ? ` · Documents: ${d.documents.map((x) => `${x.type} ${x.number}`).join('; ')}` : ''}
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
    <Modal opened={!!target} onClose={close} title={confirm ? 'Confirm the match' : 'Dismiss the match'} size="lg">
      {target && (
        <Stack>
          <Text>
            {confirm ? 'Confirm' : 'Dismiss'} that <b>{target.hit.personName ?? 'this person'}</b> is <b>{target.hit.entry.name}</b> ({target.hit.entry.ref}).
          </Text>
          <Textarea
            label="Reason"
            description="What decided it (documents seen, birth checked, interview ...); kept with the decision and in the audit log."
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
              Cancel
            </Button>
            <Button
              color={confirm ? 'red' : undefined}
              onClick={() => decide.mutate()}
              disabled={reason.trim().length < 3}
              loading={decide.isPending}
              data-testid="decision-submit"
            >
              {confirm ? 'Confirm the match' : 'Dismiss'}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
