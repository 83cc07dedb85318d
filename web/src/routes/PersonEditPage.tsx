import { useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert as MAlert, Autocomplete, Button, Grid, Group, Paper, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { api, type Household, type Person } from '../lib/api';
import { useRouter } from '../lib/router';
import { bidi } from '../lib/format';
import { Name, NameBadges } from '../components/Name';
import { PageHeader } from '../components/PageHeader';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { ErrorNote } from '../components/Problems';
import { isValidPurpose, PurposeGate } from '../features/persons/purpose';
import {
  BirthFields,
  DocumentFields,
  documentRequest,
  HouseholdPicker,
  householdMissing,
  MarksField,
  marksOf,
  NameFields,
  nameRequest,
  newDocument,
  newName,
  NotesField,
  PlaceOfBirthField,
  SexField,
  useNewHousehold,
  VulnerabilityChips,
  type DocumentEntry,
  type HouseholdChoice,
  type NameEntry,
  type Sex,
} from '../features/persons/fields';
import {
  birthMissing,
  birthRequest,
  birthStateOf,
  birthText,
  COMMON_NATIONALITIES,
  DOCUMENT_LABEL,
  fieldErrors,
  keysOf,
  PRECISION_LABEL,
  sameBirth,
  type DocumentType,
  type UpdatePersonRequest,
  type Vulnerability,
} from '../features/persons/persons.api';
import { i18next } from '../i18n';

/** The correction page's strings (`edit:*`); the app renders again when the language changes. */
const t = (key: string, options: Record<string, unknown> = {}): string => i18next.t(key.includes(':') ? key : `edit:${key}`, options);

/** Corrections (persons.write): the record's details with a reason, and names, documents and nationalities added. */
export default function PersonEditPage({ id }: { id: string }) {
  const { search, navigate } = useRouter();
  const purpose = search.get('purpose');
  if (!isValidPurpose(purpose)) {
    return <PurposeGate onChoose={(p) => navigate(`/persons/${id}/edit?purpose=${encodeURIComponent(p)}`, { replace: true })} />;
  }
  return <Editor id={id} purpose={purpose} />;
}

/** Keeps the record's cached reads in step with an answer of the API (the answer is the record after the change). */
function useRecordUpdate(id: string, purpose: string) {
  const qc = useQueryClient();
  return (view: Person) => {
    qc.setQueryData(['person', id, purpose], view);
    void qc.invalidateQueries({ queryKey: ['person', id], refetchType: 'none' });
    void qc.invalidateQueries({ queryKey: ['persons'], refetchType: 'none' });
    void qc.invalidateQueries({ queryKey: ['household'], refetchType: 'none' });
  };
}

function Editor({ id, purpose }: { id: string; purpose: string }) {
  const { navigate } = useRouter();
  const person = useQuery({ queryKey: ['person', id, purpose], queryFn: () => api<Person>(`/persons/${id}`, { purpose }), staleTime: 0 });
  const household = useQuery({
    queryKey: ['household', person.data?.householdId, purpose],
    queryFn: () => api<Household>(`/households/${person.data!.householdId}`, { purpose }),
    enabled: !!person.data?.householdId,
  });
  if (person.error) return <ErrorNote error={person.error} what={t('person:what.record')} />;
  const p = person.data;
  if (!p) return <Text>{t('opening')}</Text>;
  const primary = p.names.find((n) => n.kind === 'primary') ?? p.names[0];
  const back = `/persons/${id}?purpose=${encodeURIComponent(purpose)}`;
  return (
    <Stack gap="md">
      <PageHeader
        title={
          <>
            {primary ? t('titleOf') : t('title')}
            {primary && <Name inherit>{primary.full}</Name>}
          </>
        }
        description={t('intro')}
        actions={
          <Button size="md" variant="default" onClick={() => navigate(back)} data-testid="back-to-record">
            {t('back')}
          </Button>
        }
      />
      <DetailsForm
        key={p.id}
        person={p}
        purpose={purpose}
        householdLabel={p.householdId ? (household.data?.label ?? null) : null}
        onSaved={() => navigate(back)}
      />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <AddName person={p} purpose={purpose} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Stack gap="md">
            <AddDocument person={p} purpose={purpose} />
            <AddNationality person={p} purpose={purpose} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function DetailsForm({ person: p, purpose, householdLabel, onSaved }: { person: Person; purpose: string; householdLabel: string | null; onSaved: () => void }) {
  const update = useRecordUpdate(p.id, purpose);
  const initialBirth = birthStateOf(p.birth);
  const [sex, setSex] = useState<Sex>(p.sex as Sex);
  const [birth, setBirth] = useState(initialBirth);
  const [placeOfBirth, setPlaceOfBirth] = useState(p.placeOfBirth ?? '');
  const [vulnerabilities, setVulnerabilities] = useState<Vulnerability[]>(p.vulnerabilities as Vulnerability[]);
  const [marks, setMarks] = useState(p.distinguishingMarks.join('\n'));
  const [notes, setNotes] = useState(p.notes ?? '');
  const [household, setHousehold] = useState<HouseholdChoice>({ mode: 'keep' });
  const [reason, setReason] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const newHousehold = useNewHousehold();

  const patch: Omit<UpdatePersonRequest, 'reason'> = {};
  if (sex !== p.sex) patch.sex = sex;
  if (!sameBirth(birth, initialBirth)) Object.assign(patch, birthRequest(birth));
  if (placeOfBirth.trim() !== (p.placeOfBirth ?? '')) patch.placeOfBirth = placeOfBirth.trim() || null;
  if (!sameList([...vulnerabilities].sort(), [...p.vulnerabilities].sort())) patch.vulnerabilities = vulnerabilities;
  if (!sameList(marksOf(marks), p.distinguishingMarks)) patch.distinguishingMarks = marksOf(marks);
  if (notes.trim() !== (p.notes ?? '').trim()) patch.notes = notes.trim() || null;
  if (household.mode === 'none' && p.householdId) patch.householdId = null;
  if (household.mode === 'join' && household.householdId && household.householdId !== p.householdId) patch.householdId = household.householdId;
  const householdPending = household.mode === 'new' || (household.mode === 'join' && !household.householdId);
  const changed = Object.keys(patch).length > 0 || householdPending;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (saving) return;
    setError(null);
    const found: Record<string, string> = {};
    const missing = sameBirth(birth, initialBirth) ? null : birthMissing(birth);
    if (missing) found.birth = missing;
    const missingHousehold = householdMissing(household);
    if (missingHousehold) found.householdId = missingHousehold;
    setErrors(found);
    if (Object.keys(found).length) return;
    setSaving(true);
    try {
      // the version the form was filled on: a correction made meanwhile by someone else is refused (409), not overwritten
      const body: UpdatePersonRequest = { ...patch, reason: reason.trim(), version: p.version };
      if (household.mode === 'new') {
        body.householdId = await newHousehold(household.label.trim(), p.placement?.facilityId ?? p.registeredFacilityId ?? undefined);
      }
      const view = await api<Person>(`/persons/${p.id}`, { method: 'PATCH', body });
      update(view);
      onSaved();
    } catch (err) {
      setError(err);
      setErrors(fieldErrors(err));
    } finally {
      setSaving(false);
    }
  }

  const precisions = keysOf(PRECISION_LABEL).filter((k) => k !== 'unknown' || initialBirth.precision === 'unknown');
  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      component="form"
      onSubmit={(e: FormEvent) => void submit(e)}
      aria-label={t('details.form')}
      noValidate
      data-testid="details-form"
    >
      <Title order={2} size="h4" mb="xs">
        {t('details.title')}
      </Title>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Stack gap="md">
            <SexField value={sex} onChange={setSex} testId="edit-sex" />
            <BirthFields value={birth} onChange={setBirth} error={errors.birth} precisions={precisions} testId="edit-birth" />
            <Text size="xs" c="dimmed" mt={-8}>
              {t('details.recordedNow', { birth: birthText(p.birth) })}
              {initialBirth.precision !== 'unknown' ? t('details.widen') : ''}
            </Text>
            <PlaceOfBirthField value={placeOfBirth} onChange={setPlaceOfBirth} error={errors.placeOfBirth} testId="edit-place-of-birth" />
            <HouseholdPicker
              value={household}
              onChange={setHousehold}
              current={p.householdId ? { id: p.householdId, label: householdLabel } : null}
              error={errors.householdId}
            />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Stack gap="md">
            <VulnerabilityChips value={vulnerabilities} onChange={setVulnerabilities} error={errors.vulnerabilities} />
            <MarksField value={marks} onChange={setMarks} error={errors.distinguishingMarks} testId="edit-marks" />
            <NotesField value={notes} onChange={setNotes} error={errors.notes} testId="edit-notes" />
          </Stack>
        </Grid.Col>
      </Grid>
      <Stack gap="sm" mt="md">
        <TextInput
          size="md"
          label={t('details.reason')}
          description={t('details.reasonHint')}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          maxLength={500}
          dir="auto"
          ref={bidi('auto')}
          error={errors.reason}
          withAsterisk
          data-testid="edit-reason"
        />
        <ApiErrorAlert error={error} title={t('details.refused')} />
        <Group justify="flex-end" gap="sm">
          {!changed ? (
            <Text size="sm" c="dimmed">
              {t('details.nothing')}
            </Text>
          ) : !reason.trim() ? (
            <Text size="sm" c="dimmed">
              {t('details.sayWhy')}
            </Text>
          ) : null}
          <Button size="lg" type="submit" loading={saving} disabled={!changed || !reason.trim()} data-testid="edit-save">
            {t('details.save')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function Added({ text, onClose }: { text: string | null; onClose: () => void }) {
  if (!text) return null;
  return (
    <MAlert color="teal" withCloseButton onClose={onClose} data-testid="added" py={8}>
      {text}
    </MAlert>
  );
}

function AddName({ person: p, purpose }: { person: Person; purpose: string }) {
  const update = useRecordUpdate(p.id, purpose);
  const [entry, setEntry] = useState<NameEntry>(() => newName({ label: t('name.new'), kind: 'spelling' }));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [added, setAdded] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setAdded(null);
    const body = nameRequest(entry);
    if (!body) {
      setFieldError(t('name.missing'));
      return;
    }
    setFieldError(undefined);
    setSaving(true);
    try {
      update(await api<Person>(`/persons/${p.id}/names`, { method: 'POST', body }));
      setAdded(t('added', { what: body.full }));
      setEntry(newName({ label: t('name.new'), kind: 'spelling' }));
    } catch (err) {
      setError(err);
      setFieldError(Object.values(fieldErrors(err)).join('; ') || undefined);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      component="form"
      onSubmit={(e: FormEvent) => void submit(e)}
      aria-label={t('name.form')}
      noValidate
      data-testid="add-name-form"
    >
      <Title order={2} size="h4" mb="xs">
        {t('name.title')}
      </Title>
      <Table mb="sm" data-testid="edit-names">
        <Table.Tbody>
          {p.names.map((n) => (
            <Table.Tr key={n.id}>
              <Table.Td>
                <Name>{n.full}</Name>
              </Table.Td>
              <Table.Td w={170}>
                <NameBadges script={n.script} kind={n.kind} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="sm" c="dimmed" mb="xs">
        {t('name.hint')}
      </Text>
      <Stack gap="sm">
        <NameFields value={entry} onChange={setEntry} error={fieldError} testId="new-name" />
        <Added text={added} onClose={() => setAdded(null)} />
        <ApiErrorAlert error={error} title={t('name.refused')} testId="name-error" />
        <Group justify="flex-end">
          <Button size="lg" type="submit" loading={saving} data-testid="add-name">
            {t('name.add')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function AddDocument({ person: p, purpose }: { person: Person; purpose: string }) {
  const update = useRecordUpdate(p.id, purpose);
  const [entry, setEntry] = useState<DocumentEntry>(newDocument);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [added, setAdded] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setAdded(null);
    const body = documentRequest(entry);
    if (!body || typeof body === 'string') {
      setFieldError(body || t('doc.missing'));
      return;
    }
    setFieldError(undefined);
    setSaving(true);
    try {
      update(await api<Person>(`/persons/${p.id}/documents`, { method: 'POST', body }));
      setAdded(t('added', { what: `${DOCUMENT_LABEL[body.type as DocumentType]} ${body.number}` }));
      setEntry(newDocument());
    } catch (err) {
      setError(err);
      setFieldError(Object.values(fieldErrors(err)).join('; ') || undefined);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      component="form"
      onSubmit={(e: FormEvent) => void submit(e)}
      aria-label={t('doc.form')}
      noValidate
      data-testid="add-document-form"
    >
      <Title order={2} size="h4" mb="xs">
        {t('doc.title')}
      </Title>
      {p.documents.length > 0 ? (
        <Text size="sm" mb="xs">
          {p.documents.map((d) => `${DOCUMENT_LABEL[d.type as DocumentType] ?? d.type} ${d.number}`).join(' · ')}
        </Text>
      ) : (
        <Text size="sm" c="dimmed" mb="xs">
          {t('doc.none')}
        </Text>
      )}
      <Stack gap="sm">
        <DocumentFields value={entry} onChange={setEntry} error={fieldError} testId="new-document" />
        <Added text={added} onClose={() => setAdded(null)} />
        <ApiErrorAlert error={error} title={t('doc.refused')} testId="document-error" />
        <Group justify="flex-end">
          <Button size="lg" type="submit" loading={saving} data-testid="add-document">
            {t('doc.add')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function AddNationality({ person: p, purpose }: { person: Person; purpose: string }) {
  const update = useRecordUpdate(p.id, purpose);
  const [country, setCountry] = useState('');
  const [status, setStatus] = useState<'claimed' | 'verified'>('claimed');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [added, setAdded] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!country.trim()) return;
    setError(null);
    setAdded(null);
    setSaving(true);
    try {
      update(await api<Person>(`/persons/${p.id}/nationalities`, { method: 'POST', body: { country: country.trim(), status } }));
      setAdded(t('nat.recorded', { country: country.trim(), status: t(`person:nationalityStatus.${status}`) }));
      setCountry('');
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Paper withBorder p="md" radius="md" component="form" onSubmit={(e: FormEvent) => void submit(e)} aria-label={t('nat.form')} noValidate>
      <Title order={2} size="h4" mb="xs">
        {t('nat.title')}
      </Title>
      <Text size="sm" mb="xs" c={p.nationalities.length ? undefined : 'dimmed'}>
        {p.nationalities.map((n) => `${n.country} (${t(`person:nationalityStatus.${n.status}`, { defaultValue: n.status })})`).join(', ') || t('nat.none')}
      </Text>
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Autocomplete
          size="md"
          label={t('nat.country')}
          placeholder={t('enrol:form.doc.countryPlaceholder')}
          data={[...new Set([...p.nationalities.map((n) => n.country), ...COMMON_NATIONALITIES])]}
          value={country}
          onChange={(v) => setCountry(v.toUpperCase())}
          maxLength={3}
          w={170}
          data-testid="nationality-country"
        />
        <SegmentedControl
          size="md"
          value={status}
          onChange={(v) => setStatus(v as 'claimed' | 'verified')}
          data={[
            { value: 'claimed', label: t('nat.claimed') },
            { value: 'verified', label: t('nat.verified') },
          ]}
          aria-label={t('nat.status')}
        />
        <Button size="lg" type="submit" loading={saving} disabled={!country.trim()}>
          {t('nat.record')}
        </Button>
      </Group>
      <Stack gap="sm" mt="sm">
        <Added text={added} onClose={() => setAdded(null)} />
        <ApiErrorAlert error={error} title={t('nat.refused')} testId="nationality-error" />
      </Stack>
    </Paper>
  );
}
