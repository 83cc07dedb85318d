import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert as MAlert, Button, Checkbox, Grid, Group, Paper, Select, Stack, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { api, type CustodyEvent, type FacilityDetail, type Person } from '../lib/api';
import { useRouter } from '../lib/router';
import { useSession } from '../lib/session';
import { useFacilities } from '../lib/queries';
import { bidi, num } from '../lib/format';
import { PageHeader } from '../components/PageHeader';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { birthLabel, normaliseBirth } from '../../../src/modules/registry/registry.domain';
import { DuplicateWarning, duplicateCandidatesOf, type DuplicateCandidate, type EnteredPerson } from '../features/persons/duplicates';
import { Name } from '../components/Name';
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
  COMMON_NATIONALITIES,
  emptyBirth,
  fieldErrors,
  type AppendEventRequest,
  type CreatePersonRequest,
  type DocumentRequest,
  type NameRequest,
  type Vulnerability,
} from '../features/persons/persons.api';
import { useTranslation } from 'react-i18next';

/** The purpose the new record is opened with after enrolment (the record page asks for one). */
const PURPOSE = 'registration';

/**
 * Enrolment (persons.write): names in every script, sex, birth with its precision, place of birth, nationalities,
 * documents, vulnerabilities, household, facility; then, for roles that append custody events, the admission to a
 * unit. Nothing typed is lost when the API refuses: its message shows beside the form and on the fields concerned.
 */
export default function EnrolPage() {
  const { t } = useTranslation('enrol');
  const session = useSession();
  const { navigate } = useRouter();
  const qc = useQueryClient();
  const facilities = useFacilities();
  const canAdmit = session.can('custody.append');

  const [names, setNames] = useState<NameEntry[]>(() => [
    newName({ label: t('nameArabic'), script: 'arabic', kind: 'primary' }),
    newName({ label: t('nameLatin'), script: 'latin', kind: 'spelling' }),
  ]);
  const [sex, setSex] = useState<Sex | null>(null);
  const [birth, setBirth] = useState(() => emptyBirth('year'));
  const [placeOfBirth, setPlaceOfBirth] = useState('');
  const [nationalities, setNationalities] = useState<string[]>([]);
  const [documents, setDocuments] = useState<DocumentEntry[]>(() => [newDocument()]);
  const [vulnerabilities, setVulnerabilities] = useState<Vulnerability[]>([]);
  const [marks, setMarks] = useState('');
  const [notes, setNotes] = useState('');
  const [household, setHousehold] = useState<HouseholdChoice>({ mode: 'none' });
  const [facilityId, setFacilityId] = useState<string | null>(session.facilityIds[0] ?? null);
  const [admit, setAdmit] = useState(canAdmit);
  const [unitId, setUnitId] = useState<string | null>(null);
  const [authority, setAuthority] = useState('');

  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  /** The person once registered: the form is then closed, only the admission can be tried again. */
  const [created, setCreated] = useState<Person | null>(null);
  const [admitError, setAdmitError] = useState<unknown>(null);
  /** Records that may already be this person, shown before saving; the registrar opens one or confirms a new person. */
  const [duplicates, setDuplicates] = useState<DuplicateCandidate[] | null>(null);
  const newHousehold = useNewHousehold();
  const bottom = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!facilityId && facilities.data?.length === 1) setFacilityId(facilities.data[0]!.id);
  }, [facilities.data, facilityId]);
  const facility = useQuery({ queryKey: ['facility', facilityId], queryFn: () => api<FacilityDetail>(`/facilities/${facilityId}`), enabled: !!facilityId });
  const unitOptions = useMemo(
    () =>
      [...(facility.data?.units ?? [])]
        .sort((a, b) => a.code.localeCompare(b.code, undefined, { numeric: true }))
        .map((u) => ({ value: u.id, label: `${u.code} · ${u.name} (${t('onRoll', { n: num(u.manifestCount) })})` })),
    [facility.data],
  );
  useEffect(() => setUnitId(null), [facilityId]);

  const setName = (i: number, n: NameEntry) => setNames((all) => all.map((x, k) => (k === i ? n : x)));
  const setDocument = (i: number, d: DocumentEntry) => setDocuments((all) => all.map((x, k) => (k === i ? d : x)));

  async function admitPerson(person: Person): Promise<boolean> {
    setAdmitError(null);
    try {
      const body: AppendEventRequest = { type: 'ADMITTED', facilityId: facilityId!, unitId: unitId ?? undefined, authority: authority.trim() || undefined };
      await api<CustodyEvent>(`/persons/${person.id}/events`, { method: 'POST', body, purpose: PURPOSE });
      return true;
    } catch (e) {
      setAdmitError(e);
      return false;
    }
  }

  function done(person: Person) {
    void qc.invalidateQueries({ queryKey: ['persons'], refetchType: 'none' });
    void qc.invalidateQueries({ queryKey: ['facility'], refetchType: 'none' });
    // Registrars go on to the capture of the face on the new record (the Biometrics panel opens its camera).
    navigate(`/persons/${person.id}?purpose=${PURPOSE}${session.can('biometrics.enrol') ? '&capture=face' : ''}`);
  }

  async function submit(e: FormEvent | null, confirmedNew?: string) {
    e?.preventDefault();
    if (saving || created) return;
    setError(null);

    // What is plainly missing is said before anything is sent; the rest the API judges.
    const found: Record<string, string> = {};
    const sentNames: { row: number; body: NameRequest }[] = [];
    names.forEach((n, row) => {
      const body = nameRequest(n);
      if (body) sentNames.push({ row, body });
    });
    if (sentNames.length === 0) found['names.0'] = t('missing.name');
    else if (!sentNames.some((n) => n.body.kind === 'primary')) sentNames[0]!.body.kind = 'primary';
    if (!sex) found.sex = t('missing.sex');
    const missingBirth = birthMissing(birth);
    if (missingBirth) found.birth = missingBirth;
    const sentDocs: { row: number; body: DocumentRequest }[] = [];
    documents.forEach((d, row) => {
      const body = documentRequest(d);
      if (typeof body === 'string') found[`documents.${row}`] = body;
      else if (body) sentDocs.push({ row, body });
    });
    const missingHousehold = householdMissing(household);
    if (missingHousehold) found.householdId = missingHousehold;
    if (admit && !facilityId) found.facilityId = t('missing.facility');
    setErrors(found);
    if (Object.keys(found).length) {
      requestAnimationFrame(() => document.querySelector('[aria-invalid="true"], [role="alert"]')?.scrollIntoView({ block: 'center' }));
      return;
    }

    // The API numbers names and documents as sent (empty rows left out): back to the rows of the form.
    const showFieldErrors = (err: unknown) => {
      const mapped: Record<string, string> = {};
      for (const [k, v] of Object.entries(fieldErrors(err))) {
        const [head, i] = k.split('.');
        if (head === 'names' && i !== undefined) mapped[`names.${sentNames[Number(i)]?.row ?? 0}`] = v;
        else if (head === 'documents' && i !== undefined) mapped[`documents.${sentDocs[Number(i)]?.row ?? 0}`] = v;
        else mapped[k] = v;
      }
      setErrors(mapped);
    };

    setSaving(true);
    try {
      const joined = household.mode === 'join' ? (household.householdId ?? undefined) : undefined;
      const base: CreatePersonRequest = {
        names: sentNames.map((n) => n.body),
        sex: sex!,
        ...birthRequest(birth),
        placeOfBirth: placeOfBirth.trim() || undefined,
        nationalities: nationalities.length ? nationalities : undefined,
        documents: sentDocs.length ? sentDocs.map((d) => d.body) : undefined,
        distinguishingMarks: marksOf(marks).length ? marksOf(marks) : undefined,
        vulnerabilities: vulnerabilities.length ? vulnerabilities : undefined,
        householdId: joined,
        facilityId: facilityId ?? undefined,
        notes: notes.trim() || undefined,
      };
      // Before anything is written (a new household included): records that may already be this person, and ask.
      if (!confirmedNew) {
        let check: { candidates: DuplicateCandidate[] };
        try {
          check = await api<{ candidates: DuplicateCandidate[] }>('/persons/duplicates', { method: 'POST', body: base });
        } catch (err) {
          // the check validates the same body: its refusal shows on the fields, as the enrolment's would
          showFieldErrors(err);
          throw err;
        }
        if (check.candidates.length > 0) {
          showDuplicates(check.candidates);
          return;
        }
      }
      let householdId = joined;
      if (household.mode === 'new') householdId = await newHousehold(household.label.trim(), facilityId ?? undefined);
      const body: CreatePersonRequest = { ...base, householdId, confirmNew: confirmedNew ? { reason: confirmedNew } : undefined };
      let person: Person;
      try {
        person = await api<Person>('/persons', { method: 'POST', body });
      } catch (err) {
        // someone registered a likely match meanwhile: the same question again
        const again = duplicateCandidatesOf(err);
        if (again) {
          showDuplicates(again);
          return;
        }
        showFieldErrors(err);
        throw err;
      }
      setCreated(person);
      if (admit && facilityId && !(await admitPerson(person))) return;
      done(person);
    } catch (err) {
      setError(err);
      requestAnimationFrame(() => bottom.current?.scrollIntoView({ block: 'end' }));
    } finally {
      setSaving(false);
    }
  }

  function showDuplicates(candidates: DuplicateCandidate[]) {
    setDuplicates(candidates);
    requestAnimationFrame(() => document.querySelector('[data-testid="duplicate-warning"]')?.scrollIntoView({ block: 'center' }));
  }

  function enteredPerson(): EnteredPerson {
    let birthShown = 'unknown';
    try {
      const b = normaliseBirth(birthRequest(birth), new Date());
      birthShown = birthLabel({ date: b.birthDate, precision: b.birthPrecision, from: b.birthFrom, to: b.birthTo });
    } catch {
      // the API judges a bad date; here it only shows as unknown
    }
    const householdShown =
      household.mode === 'new'
        ? t('householdNew', { label: household.label.trim() })
        : household.mode === 'join'
          ? household.via
            ? t('householdOf', { name: household.via })
            : t('householdChosen')
          : '–';
    return {
      names: names.map((n) => n.full.trim()).filter(Boolean),
      sex: sex ?? 'U',
      birth: birthShown,
      nationalities,
      household: householdShown,
      facility: facilityName(facilityId),
    };
  }

  const facilityName = (id: string | null) => (id ? (facilities.data?.find((f) => f.id === id)?.name ?? 'another facility') : '–');

  const nationalityData = [...new Set([...COMMON_NATIONALITIES, ...nationalities])];
  const createdName = created?.names[0]?.full;

  return (
    <form
      onSubmit={(e) => void submit(e)}
      // Enter in a field does not register a half-filled form (a tablet's "Go" key): the button does.
      onKeyDown={(e) => {
        if (e.key === 'Enter' && e.target instanceof HTMLInputElement && e.target.type !== 'checkbox') e.preventDefault();
      }}
      aria-label={t('title')}
      noValidate
    >
      <Stack gap="md">
        <PageHeader title={t('title')} description={t('intro')} />
        <fieldset disabled={!!created} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
          <Grid gap="md">
            <Grid.Col span={{ base: 12, lg: 6 }}>
              <Stack gap="md">
                <Paper withBorder p="md" radius="md">
                  <Title order={2} size="h4" mb="xs">
                    {t('section.names')}
                  </Title>
                  <Stack gap="sm">
                    {names.map((n, i) => (
                      <NameFields
                        key={n.key}
                        value={n}
                        onChange={(v) => setName(i, v)}
                        error={errors[`names.${i}`]}
                        onRemove={i >= 2 ? () => setNames((all) => all.filter((_, k) => k !== i)) : undefined}
                        testId={`name-${i}`}
                      />
                    ))}
                    {errors.names && (
                      <Text size="sm" c="red.8" role="alert">
                        {errors.names}
                      </Text>
                    )}
                    <Group>
                      <Button
                        variant="light"
                        size="md"
                        h="auto"
                        mih={42}
                        py={6}
                        styles={{ label: { whiteSpace: 'normal' } }}
                        onClick={() => setNames((all) => [...all, newName()])}
                        data-testid="add-name-row"
                      >
                        {t('addName')}
                      </Button>
                    </Group>
                  </Stack>
                </Paper>

                <Paper withBorder p="md" radius="md">
                  <Title order={2} size="h4" mb="xs">
                    {t('section.identity')}
                  </Title>
                  <Stack gap="md">
                    <SexField value={sex} onChange={setSex} error={errors.sex} testId="sex" />
                    <BirthFields value={birth} onChange={setBirth} error={errors.birth} />
                    <PlaceOfBirthField value={placeOfBirth} onChange={setPlaceOfBirth} error={errors.placeOfBirth} testId="place-of-birth" />
                    <TagsInput
                      size="md"
                      label={t('nationalities')}
                      description={t('nationalitiesHint')}
                      data={nationalityData}
                      value={nationalities}
                      onChange={(v) => setNationalities([...new Set(v.map((x) => x.trim().toUpperCase()).filter(Boolean))])}
                      splitChars={[',', ' ']}
                      maxTags={10}
                      clearable
                      error={errors.nationalities}
                      data-testid="nationalities"
                    />
                  </Stack>
                </Paper>
              </Stack>
            </Grid.Col>

            <Grid.Col span={{ base: 12, lg: 6 }}>
              <Stack gap="md">
                <Paper withBorder p="md" radius="md">
                  <Title order={2} size="h4" mb="xs">
                    {t('section.documents')}
                  </Title>
                  <Stack gap="sm">
                    {documents.map((d, i) => (
                      <DocumentFields
                        key={d.key}
                        value={d}
                        onChange={(v) => setDocument(i, v)}
                        error={errors[`documents.${i}`]}
                        onRemove={() => setDocuments((all) => all.filter((_, k) => k !== i))}
                        testId={`document-${i}`}
                      />
                    ))}
                    {errors.documents && (
                      <Text size="sm" c="red.8" role="alert">
                        {errors.documents}
                      </Text>
                    )}
                    <Group>
                      <Button variant="light" size="md" onClick={() => setDocuments((all) => [...all, newDocument()])}>
                        {t('addDocument')}
                      </Button>
                    </Group>
                  </Stack>
                </Paper>

                <Paper withBorder p="md" radius="md">
                  <Title order={2} size="h4" mb="xs">
                    {t('section.protection')}
                  </Title>
                  <Stack gap="md">
                    <VulnerabilityChips value={vulnerabilities} onChange={setVulnerabilities} error={errors.vulnerabilities} />
                    <HouseholdPicker value={household} onChange={setHousehold} error={errors.householdId} />
                    <MarksField value={marks} onChange={setMarks} error={errors.distinguishingMarks} />
                    <NotesField value={notes} onChange={setNotes} error={errors.notes} />
                  </Stack>
                </Paper>
              </Stack>
            </Grid.Col>
          </Grid>
        </fieldset>

        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h4" mb="xs">
            {canAdmit ? t('section.facilityAdmission') : t('section.facility')}
          </Title>
          <Stack gap="sm">
            <Group gap="md" align="flex-start" wrap="wrap">
              <Select
                size="md"
                label={t('registeredAt')}
                placeholder={t('chooseFacility')}
                data={(facilities.data ?? []).map((f) => ({ value: f.id, label: f.name }))}
                value={facilityId}
                onChange={setFacilityId}
                disabled={!!created}
                error={errors.facilityId}
                w={300}
                maw="100%"
                data-testid="facility"
              />
              {canAdmit && admit && (
                <Select
                  size="md"
                  label={t('admittedToUnit')}
                  placeholder={facilityId ? t('noUnit') : t('facilityFirst')}
                  data={unitOptions}
                  value={unitId}
                  onChange={setUnitId}
                  clearable
                  searchable
                  w={340}
                  maw="100%"
                  data-testid="unit"
                />
              )}
            </Group>
            {canAdmit ? (
              <>
                <Checkbox
                  size="md"
                  label={t('admitNow')}
                  description={t('admitNowHint')}
                  checked={admit}
                  onChange={(e) => setAdmit(e.currentTarget.checked)}
                  disabled={!!created}
                  data-testid="admit"
                />
                {admit && (
                  <TextInput
                    size="md"
                    label={t('authority')}
                    value={authority}
                    onChange={(e) => setAuthority(e.currentTarget.value)}
                    maxLength={500}
                    dir="auto"
                    ref={bidi('auto')}
                  />
                )}
              </>
            ) : (
              <Text size="sm" c="dimmed">
                {t('registrarOnly')}
              </Text>
            )}
          </Stack>
        </Paper>

        {duplicates && duplicates.length > 0 && !created && (
          <DuplicateWarning
            entered={enteredPerson()}
            candidates={duplicates}
            facilityName={facilityName}
            busy={saving}
            onOpen={(id) => navigate(`/persons/${id}?purpose=${PURPOSE}`)}
            onConfirmNew={(reason) => void submit(null, reason)}
          />
        )}

        <Paper ref={bottom} withBorder p="md" radius="md" pos="sticky" bottom={0} style={{ zIndex: 5 }} shadow="sm" data-testid="enrol-actions">
          <Stack gap="sm">
            <ApiErrorAlert error={error} title={t('refused')} />
            {created && (
              <MAlert color={admitError ? 'orange' : 'teal'} title={admitError ? t('created.notAdmitted') : t('created.title')} data-testid="enrol-created">
                <Text size="sm">
                  {createdName ? <Name fw={600}>{createdName}</Name> : t('created.thePerson')} {t('created.isRegistered')}
                  {admitError ? ` ${t('created.admissionRefused')}` : ''}
                </Text>
              </MAlert>
            )}
            {created && admitError != null && <ApiErrorAlert error={admitError} title={t('admitRefused')} testId="admit-error" />}
            <Group justify="flex-end" gap="sm">
              {created ? (
                <>
                  <Button size="lg" variant="default" onClick={() => done(created)} data-testid="open-created">
                    {t('openWithoutAdmitting')}
                  </Button>
                  <Button
                    size="lg"
                    onClick={async () => {
                      setSaving(true);
                      if (await admitPerson(created)) done(created);
                      setSaving(false);
                    }}
                    loading={saving}
                    data-testid="retry-admit"
                  >
                    {t('retryAdmission')}
                  </Button>
                </>
              ) : (
                <>
                  <Button size="lg" variant="default" onClick={() => navigate('/persons')} disabled={saving}>
                    {t('common:cancel')}
                  </Button>
                  <Button size="lg" type="submit" loading={saving} data-testid="enrol-submit">
                    {canAdmit && admit ? t('submitAdmit') : t('submit')}
                  </Button>
                </>
              )}
            </Group>
          </Stack>
        </Paper>
      </Stack>
    </form>
  );
}
