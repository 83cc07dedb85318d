// Family and household from the person page (persons.write): add a family link with a reason, end one with a reason
// (the link stays, marked ended, on both records), and change the household membership with a reason. Links read
// from this record's side ("mother of" the person named); a relative outside the reader's scope shows by kind only.

import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Group, Modal, Paper, Select, Stack, Table, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, qs, type Person, type PersonHit } from '../../lib/api';
import { bidi, dateTime } from '../../lib/format';
import { Name } from '../../components/Name';
import { Link } from '../../components/Link';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { HouseholdPicker, householdMissing, useNewHousehold, type HouseholdChoice } from '../persons/fields';
import { addRelation, changeHousehold, endRelation, RELATION_KIND_LIST, type RelationKind } from './records.api';

const FAMILY_PURPOSE = 'family_tracing';
const MIN_REASON = 3;

type Relation = Person['relations'][number];

export function FamilyPanel({ person, purpose, householdLabel }: { person: Person; purpose: string; householdLabel: string | null }) {
  const { t } = useTranslation('records');
  const qc = useQueryClient();
  const [ending, setEnding] = useState<Relation | null>(null);
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: ['person', person.id] });
    await qc.invalidateQueries({ queryKey: ['household'] });
  };
  const relLink = (r: { personId: string | null; name: string | null }) =>
    r.personId ? (
      <Link to={`/persons/${r.personId}?purpose=${encodeURIComponent(purpose)}`}>{r.name ? <Name inherit>{r.name}</Name> : t('family.unnamed')}</Link>
    ) : (
      <Text c="dimmed" size="sm" span>
        {t('family.outsideScope')}
      </Text>
    );

  return (
    <Paper withBorder p="sm" radius="md" data-testid="family-panel">
      <Title order={2} size="h4" mb="xs">
        {t('family.title')}
      </Title>
      <Stack gap="md">
        {person.relations.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('family.noLinks')}
          </Text>
        ) : (
          <Table data-testid="family-links" layout="fixed">
            <Table.Tbody>
              {person.relations.map((r) => (
                <Table.Tr key={r.id} data-relation-id={r.id}>
                  <Table.Td w={120}>
                    <Badge variant="light" style={{ textTransform: 'none' }}>
                      {t(`kind.${r.kind}`, { defaultValue: r.kind })}
                    </Badge>
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>
                    {relLink(r)}
                    {r.reason && (
                      <Text size="xs" c="dimmed">
                        {r.reason}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td w={90} ta="end">
                    {r.inScope && (
                      <Button size="xs" variant="subtle" color="red" onClick={() => setEnding(r)} data-testid="relation-end">
                        {t('family.end')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {person.endedRelations.length > 0 && (
          <div>
            <Text size="sm" fw={600}>
              {t('family.ended', { count: person.endedRelations.length })}
            </Text>
            <Table data-testid="family-ended" layout="fixed">
              <Table.Tbody>
                {person.endedRelations.map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td w={120}>
                      <Badge variant="outline" color="gray" style={{ textTransform: 'none' }}>
                        {t(`kind.${r.kind}`, { defaultValue: r.kind })}
                      </Badge>
                    </Table.Td>
                    <Table.Td style={{ overflowWrap: 'anywhere' }}>
                      {relLink(r)}
                      <Text size="xs" c="dimmed">
                        {t('family.endedBy', { by: r.ended.by ?? '–', at: dateTime(r.ended.at), reason: r.ended.reason ?? '–' })}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
        )}
        <AddRelation person={person} onSaved={refresh} />
        <ChangeHousehold person={person} householdLabel={householdLabel} onSaved={refresh} />
      </Stack>
      <EndRelationDialog person={person} relation={ending} onClose={() => setEnding(null)} onSaved={refresh} />
    </Paper>
  );
}

function EndRelationDialog({
  person,
  relation,
  onClose,
  onSaved,
}: {
  person: Person;
  relation: Relation | null;
  onClose: () => void;
  onSaved: () => Promise<void>;
}) {
  const { t } = useTranslation('records');
  const [reason, setReason] = useState('');
  const [short, setShort] = useState(false);
  const end = useMutation({
    mutationFn: () => endRelation(person.id, relation!.id, { reason: reason.trim() }),
    onSuccess: async () => {
      await onSaved();
      setReason('');
      onClose();
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    if (reason.trim().length < MIN_REASON) {
      setShort(true);
      return;
    }
    end.mutate();
  }
  return (
    <Modal
      opened={!!relation}
      onClose={() => {
        end.reset();
        setShort(false);
        onClose();
      }}
      title={t('family.endTitle')}
      centered
    >
      {relation && (
        <form onSubmit={submit} noValidate data-testid="relation-end-form">
          <Stack gap="sm">
            <Text size="sm">
              {t(`kind.${relation.kind}`, { defaultValue: relation.kind })}: {relation.name ? <Name fw={600}>{relation.name}</Name> : '–'}
            </Text>
            <Text size="xs" c="dimmed">
              {t('family.endHelp')}
            </Text>
            <TextInput
              label={t('family.endReason')}
              withAsterisk
              value={reason}
              onChange={(e) => {
                setReason(e.currentTarget.value);
                setShort(false);
              }}
              maxLength={500}
              error={short ? t('family.reasonShort') : undefined}
              data-autofocus
              data-testid="relation-end-reason"
            />
            <ApiErrorAlert error={end.error} title={t('family.notSaved')} testId="relation-end-error" />
            <Group justify="flex-end">
              <Button type="submit" color="red" loading={end.isPending} data-testid="relation-end-submit">
                {t('family.endConfirm')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function AddRelation({ person, onSaved }: { person: Person; onSaved: () => Promise<void> }) {
  const { t } = useTranslation('records');
  const [kind, setKind] = useState<RelationKind | null>(null);
  const [relative, setRelative] = useState<PersonHit | null>(null);
  const [q, setQ] = useState('');
  const [sent, setSent] = useState('');
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const hits = useQuery({
    queryKey: ['persons', 'search', 'relative', sent],
    queryFn: () => api<PersonHit[]>(`/persons${qs({ q: sent, limit: 8 })}`, { purpose: FAMILY_PURPOSE }),
    enabled: sent.length >= 2,
  });
  const add = useMutation({
    mutationFn: () => addRelation(person.id, { kind: kind!, personId: relative!.id, reason: reason.trim() }),
    onSuccess: async () => {
      await onSaved();
      setKind(null);
      setRelative(null);
      setReason('');
      setQ('');
      setSent('');
      setSaved(true);
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    const m: Record<string, string> = {};
    if (!kind) m.kind = t('family.missing.kind');
    if (!relative) m.relative = t('family.missing.relative');
    if (reason.trim().length < MIN_REASON) m.reason = t('family.reasonShort');
    setMissing(m);
    setSaved(false);
    if (Object.keys(m).length === 0) add.mutate();
  }
  return (
    <form onSubmit={submit} noValidate data-testid="relation-add">
      <Stack gap={6}>
        <Text size="sm" fw={600}>
          {t('family.addTitle')}
        </Text>
        <Select
          label={t('family.kind')}
          description={t('family.kindHelp')}
          data={RELATION_KIND_LIST.map((k) => ({ value: k, label: t(`kind.${k}`) }))}
          value={kind}
          onChange={(v) => setKind(v as RelationKind | null)}
          withAsterisk
          error={missing.kind}
          data-testid="relation-kind"
        />
        {relative ? (
          <Group gap="sm">
            <Text size="sm">
              {t('family.relative')}: <Name fw={600}>{relative.name}</Name>
            </Text>
            <Button variant="subtle" size="xs" onClick={() => setRelative(null)}>
              {t('family.another')}
            </Button>
          </Group>
        ) : (
          <Stack gap={4}>
            <Group gap="sm" align="flex-end">
              <TextInput
                label={t('family.find')}
                description={t('family.findHelp')}
                value={q}
                onChange={(e) => setQ(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    setSent(q.trim());
                  }
                }}
                dir="auto"
                ref={bidi('auto')}
                error={missing.relative}
                withAsterisk
                style={{ flex: '1 1 220px' }}
                data-testid="relation-search"
              />
              <Button variant="light" onClick={() => setSent(q.trim())} disabled={q.trim().length < 2} data-testid="relation-search-go">
                {t('family.search')}
              </Button>
            </Group>
            {hits.data
              ?.filter((h) => h.id !== person.id)
              .map((h) => (
                <UnstyledButton
                  key={h.id}
                  onClick={() => {
                    setRelative(h);
                    setMissing((m) => ({ ...m, relative: '' }));
                  }}
                  p={8}
                  style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 6, minHeight: 44 }}
                  data-testid="relation-hit"
                >
                  <Name fw={600}>{h.name}</Name>
                  <Text span size="sm" c="dimmed">
                    {' '}
                    · {h.sex} · {h.birthLabel} · {h.nationalities.join(', ') || '–'}
                  </Text>
                </UnstyledButton>
              ))}
            {hits.data && hits.data.filter((h) => h.id !== person.id).length === 0 && (
              <Text size="sm" c="dimmed">
                {t('family.nobody')}
              </Text>
            )}
          </Stack>
        )}
        <TextInput
          label={t('family.addReason')}
          placeholder={t('family.addReasonPlaceholder')}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          maxLength={500}
          withAsterisk
          error={missing.reason}
          data-testid="relation-reason"
        />
        <ApiErrorAlert error={add.error} title={t('family.notSaved')} testId="relation-add-error" />
        {saved && (
          <Text size="sm" c="teal.8" data-testid="relation-added">
            {t('family.added')}
          </Text>
        )}
        <Group justify="flex-end">
          <Button type="submit" variant="light" loading={add.isPending} data-testid="relation-add-submit">
            {t('family.add')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function ChangeHousehold({ person, householdLabel, onSaved }: { person: Person; householdLabel: string | null; onSaved: () => Promise<void> }) {
  const { t } = useTranslation('records');
  const [choice, setChoice] = useState<HouseholdChoice>({ mode: 'keep' });
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const newHousehold = useNewHousehold();
  const save = useMutation({
    mutationFn: async () => {
      const householdId =
        choice.mode === 'new'
          ? await newHousehold(choice.label.trim(), person.placement?.facilityId ?? person.registeredFacilityId ?? undefined)
          : choice.mode === 'join'
            ? choice.householdId
            : null;
      return changeHousehold(person.id, { householdId, reason: reason.trim(), version: person.version });
    },
    onSuccess: async () => {
      await onSaved();
      setChoice({ mode: 'keep' });
      setReason('');
      setSaved(true);
    },
  });
  const unchanged =
    choice.mode === 'keep' || (choice.mode === 'join' && choice.householdId === person.householdId) || (choice.mode === 'none' && !person.householdId);
  function submit(e: FormEvent) {
    e.preventDefault();
    const m: Record<string, string> = {};
    const h = householdMissing(choice);
    if (h) m.household = h;
    if (reason.trim().length < MIN_REASON) m.reason = t('family.reasonShort');
    setErrors(m);
    setSaved(false);
    if (Object.keys(m).length === 0) save.mutate();
  }
  return (
    <form onSubmit={submit} noValidate data-testid="household-change">
      <Stack gap={6}>
        <Text size="sm" fw={600}>
          {t('household.title')}
        </Text>
        <HouseholdPicker
          value={choice}
          onChange={(c) => {
            setChoice(c);
            setSaved(false);
            save.reset();
          }}
          current={person.householdId ? { id: person.householdId, label: householdLabel } : null}
          error={errors.household}
          vertical
        />
        {!unchanged && (
          <>
            <TextInput
              label={t('household.reason')}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              maxLength={500}
              withAsterisk
              error={errors.reason}
              data-testid="household-reason"
            />
            <ApiErrorAlert error={save.error} title={t('family.notSaved')} testId="household-error" />
            <Group justify="flex-end">
              <Button type="submit" variant="light" loading={save.isPending} data-testid="household-submit">
                {t('household.save')}
              </Button>
            </Group>
          </>
        )}
        {saved && (
          <Text size="sm" c="teal.8" data-testid="household-saved">
            {t('household.saved')}
          </Text>
        )}
      </Stack>
    </form>
  );
}
