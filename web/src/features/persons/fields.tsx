// Form parts shared by the enrolment and correction screens: names in any script, sex, birth with its precision, place
// of birth, documents, vulnerabilities, distinguishing marks, notes, household. Each shows the API's refusal of its own
// field beside it.

import { useRef, useState } from 'react';
import { errorText } from '../../i18n/errors';
import { useQuery } from '@tanstack/react-query';
import { useMediaQuery } from '@mantine/hooks';
import { Button, Chip, Collapse, Group, Paper, SegmentedControl, Select, SimpleGrid, Stack, Text, Textarea, TextInput, UnstyledButton } from '@mantine/core';
import { api, qs, type Person, type PersonHit } from '../../lib/api';
import { bidi, isArabic } from '../../lib/format';
import { Name } from '../../components/Name';
import { IsoDateInput } from '../../components/IsoDateInput';
import {
  DOCUMENT_LABEL,
  keysOf,
  NAME_KIND_LABEL,
  SCRIPT_LABEL,
  NAME_PART_LABEL,
  PRECISION_LABEL,
  VULNERABILITY_LABEL,
  type BirthPrecision,
  type BirthState,
  type CreateHouseholdRequest,
  type DocumentRequest,
  type DocumentType,
  type NameKind,
  type NamePartKey,
  type NameRequest,
  type NameScript,
  type Vulnerability,
} from './persons.api';
import { i18next } from '../../i18n';

/** The form's strings (`enrol:form.*`); the app renders again when the language changes. */
const t = (key: string, options: Record<string, unknown> = {}): string =>
  key.includes(':') ? i18next.t(key, options) : i18next.t(`enrol:form.${key}`, options);

// --- names ---------------------------------------------------------------------------------------------------------

export interface NameEntry {
  key: string;
  /** What the row is for ("Name in Arabic script"); rows added later have none. */
  label?: string;
  full: string;
  /** `auto`: the API detects the script from the letters. */
  script: NameScript | 'auto';
  kind: NameKind;
  parts: Partial<Record<NamePartKey, string>>;
  source: string;
}

let nameSeq = 0;
export const newName = (init: Partial<NameEntry> = {}): NameEntry => ({
  key: `n${++nameSeq}`,
  full: '',
  script: 'auto',
  kind: 'alias',
  parts: {},
  source: '',
  ...init,
});

const PART_ORDER: NamePartKey[] = ['given', 'father', 'grandfather', 'family'];

/** The name as the API takes it, or null for a row left empty. A full name left empty is composed from its parts. */
export function nameRequest(n: NameEntry): NameRequest | null {
  const parts = Object.fromEntries(
    Object.entries(n.parts)
      .map(([k, v]) => [k, (v ?? '').trim()])
      .filter(([, v]) => v),
  ) as Partial<Record<NamePartKey, string>>;
  const full =
    n.full.trim() ||
    PART_ORDER.map((k) => parts[k])
      .filter(Boolean)
      .join(' ');
  if (!full && Object.keys(parts).length === 0) return null;
  return {
    full,
    script: n.script === 'auto' ? undefined : n.script,
    kind: n.kind,
    parts: Object.keys(parts).length ? parts : undefined,
    source: n.source.trim() || undefined,
  };
}

const rtl = (n: NameEntry, text: string) => n.script === 'arabic' || isArabic(text);

/** One name: the full name in its script (Arabic typed right to left), its kind, and its parts on demand. */
export function NameFields({
  value,
  onChange,
  error,
  onRemove,
  testId,
}: {
  value: NameEntry;
  onChange: (n: NameEntry) => void;
  error?: string;
  onRemove?: () => void;
  testId: string;
}) {
  const phone = usePhone();
  const [showParts, setShowParts] = useState(Object.keys(value.parts).length > 0);
  const dir = rtl(value, value.full) ? 'rtl' : 'auto';
  const arabicRow = dir === 'rtl';
  const set = (patch: Partial<NameEntry>) => onChange({ ...value, ...patch });
  return (
    <Paper withBorder p="sm" radius="md" data-testid={testId}>
      <Stack gap="xs">
        <TextInput
          size="md"
          label={value.label ?? t('name.label')}
          description={value.script === 'arabic' ? t('name.arabicHint') : value.script === 'latin' ? t('name.latinHint') : undefined}
          placeholder={value.script === 'arabic' ? 'محمد عبد الرحمن الجبوري' : t('name.latinPlaceholder')}
          value={value.full}
          onChange={(e) => set({ full: e.currentTarget.value })}
          dir={dir}
          ref={bidi(dir)}
          lang={arabicRow ? 'ar' : undefined}
          classNames={arabicRow ? { input: 'arabic' } : undefined}
          error={error}
          maxLength={300}
          data-testid={`${testId}-full`}
        />
        <Group gap="sm" wrap="wrap" align="flex-end">
          <Select
            label={t('name.kind')}
            size="md"
            w={170}
            data={keysOf(NAME_KIND_LABEL).map((k) => ({ value: k, label: NAME_KIND_LABEL[k] }))}
            value={value.kind}
            onChange={(v) => v && set({ kind: v as NameKind })}
            allowDeselect={false}
            data-testid={`${testId}-kind`}
          />
          <div>
            <Text size="sm" fw={500} mb={2}>
              {t('name.script')}
            </Text>
            <SegmentedControl
              size="md"
              // on a phone the four choices share the width, their labels wrapping (Arabic labels are longer)
              fullWidth={phone}
              styles={phone ? { label: { whiteSpace: 'normal' } } : undefined}
              value={value.script}
              onChange={(v) => set({ script: v as NameEntry['script'] })}
              data={[
                { value: 'auto', label: t('name.detect') },
                { value: 'arabic', label: SCRIPT_LABEL.arabic },
                { value: 'latin', label: SCRIPT_LABEL.latin },
                { value: 'other', label: SCRIPT_LABEL.other },
              ]}
              aria-label={t('name.script')}
            />
          </div>
          <Button variant="subtle" size="md" onClick={() => setShowParts((s) => !s)} aria-expanded={showParts} data-testid={`${testId}-parts-toggle`}>
            {showParts ? t('name.hideParts') : t('name.parts')}
          </Button>
          {onRemove && (
            <Button variant="subtle" color="red" size="md" onClick={onRemove}>
              {t('remove')}
            </Button>
          )}
        </Group>
        <Collapse expanded={showParts}>
          <SimpleGrid cols={{ base: 1, xs: 2, lg: 3 }} spacing="xs" mt={4}>
            {keysOf(NAME_PART_LABEL).map((k) => {
              const v = value.parts[k] ?? '';
              const partRtl = rtl(value, v || value.full);
              return (
                <TextInput
                  key={k}
                  size="md"
                  label={NAME_PART_LABEL[k].label}
                  placeholder={NAME_PART_LABEL[k].hint}
                  value={v}
                  onChange={(e) => set({ parts: { ...value.parts, [k]: e.currentTarget.value } })}
                  dir={partRtl ? 'rtl' : 'auto'}
                  ref={bidi(partRtl ? 'rtl' : 'auto')}
                  classNames={partRtl ? { input: 'arabic' } : undefined}
                  maxLength={100}
                  data-testid={`${testId}-part-${k}`}
                />
              );
            })}
          </SimpleGrid>
          <Text size="xs" c="dimmed" mt={4}>
            {t('name.partsHint')}
          </Text>
        </Collapse>
      </Stack>
    </Paper>
  );
}

// --- sex, place of birth -------------------------------------------------------------------------------------------

export type Sex = 'F' | 'M' | 'U';

/** The sex, Unknown included; on a new record nothing is chosen until the registrar does. */
export function SexField({ value, onChange, error, testId }: { value: Sex | null; onChange: (s: Sex) => void; error?: string; testId: string }) {
  return (
    <div>
      <Text size="sm" fw={500} mb={2} id={`${testId}-label`}>
        {t('sex')}
      </Text>
      <SegmentedControl
        size="md"
        value={value ?? ''}
        onChange={(v) => onChange(v as Sex)}
        data={[
          { value: 'F', label: t('common:sex.F') },
          { value: 'M', label: t('common:sex.M') },
          { value: 'U', label: t('common:sex.U') },
        ]}
        aria-labelledby={`${testId}-label`}
        data-testid={testId}
      />
      {error && (
        <Text size="sm" c="red.8" role="alert">
          {error}
        </Text>
      )}
    </div>
  );
}

export function PlaceOfBirthField({ value, onChange, error, testId }: { value: string; onChange: (v: string) => void; error?: string; testId: string }) {
  return (
    <TextInput
      size="md"
      label={t('placeOfBirth')}
      placeholder={t('placeOfBirthPlaceholder')}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      dir="auto"
      ref={bidi('auto')}
      maxLength={200}
      error={error}
      data-testid={testId}
    />
  );
}

// --- birth ---------------------------------------------------------------------------------------------------------

/** Birth as honestly as it is known: a day, a month, a year, about a year, a range, or unknown. */
export function BirthFields({
  value,
  onChange,
  error,
  precisions = keysOf(PRECISION_LABEL),
  testId = 'birth',
}: {
  value: BirthState;
  onChange: (b: BirthState) => void;
  error?: string;
  precisions?: BirthPrecision[];
  testId?: string;
}) {
  const set = (patch: Partial<BirthState>) => onChange({ ...value, ...patch });
  const common = { size: 'md' as const, error: error ? true : undefined };
  return (
    <Stack gap={6}>
      <div>
        <Text size="sm" fw={500} mb={2} id={`${testId}-label`}>
          {t('birth.precision')}
        </Text>
        <SegmentedControl
          size="md"
          fullWidth
          value={value.precision}
          onChange={(v) => set({ precision: v as BirthPrecision })}
          data={precisions.map((p) => ({ value: p, label: PRECISION_LABEL[p] }))}
          aria-labelledby={`${testId}-label`}
          data-testid={`${testId}-precision`}
        />
      </div>
      <Group gap="sm" align="flex-start" wrap="wrap">
        {value.precision === 'exact' && (
          <IsoDateInput {...common} label={t('birth.day')} value={value.day} onValue={(day) => set({ day })} w={220} data-testid={`${testId}-day`} />
        )}
        {value.precision === 'month' && (
          <TextInput
            {...common}
            type="month"
            label={t('birth.month')}
            placeholder={t('birth.monthPlaceholder')}
            value={value.month}
            onChange={(e) => set({ month: e.currentTarget.value })}
            w={220}
            data-testid={`${testId}-month`}
          />
        )}
        {(value.precision === 'year' || value.precision === 'approximate') && (
          <TextInput
            {...common}
            label={value.precision === 'year' ? t('birth.year') : t('birth.around')}
            description={value.precision === 'approximate' ? t('birth.aroundHint') : undefined}
            placeholder={t('birth.yearPlaceholder')}
            inputMode="numeric"
            maxLength={4}
            value={value.year}
            onChange={(e) => set({ year: e.currentTarget.value.replace(/\D/g, '') })}
            w={220}
            data-testid={`${testId}-year`}
          />
        )}
        {value.precision === 'range' && (
          <>
            <IsoDateInput {...common} label={t('birth.from')} value={value.from} onValue={(from) => set({ from })} w={220} data-testid={`${testId}-from`} />
            <IsoDateInput {...common} label={t('birth.to')} value={value.to} onValue={(to) => set({ to })} w={220} data-testid={`${testId}-to`} />
          </>
        )}
        {value.precision === 'unknown' && (
          <Text size="sm" c="dimmed" pt={4}>
            {t('birth.unknown')}
          </Text>
        )}
      </Group>
      {error && (
        <Text size="sm" c="red.8" role="alert" data-testid={`${testId}-error`}>
          {error}
        </Text>
      )}
    </Stack>
  );
}

// --- documents -----------------------------------------------------------------------------------------------------

export interface DocumentEntry {
  key: string;
  type: DocumentType | null;
  number: string;
  issuingCountry: string;
  issuedOn: string;
  expiresOn: string;
}

let docSeq = 0;
export const newDocument = (): DocumentEntry => ({ key: `d${++docSeq}`, type: null, number: '', issuingCountry: '', issuedOn: '', expiresOn: '' });

/** The document as the API takes it, null for a row left empty, or a string saying what is missing. */
export function documentRequest(d: DocumentEntry): DocumentRequest | null | string {
  if (!d.type && !d.number.trim() && !d.issuingCountry.trim() && !d.issuedOn && !d.expiresOn) return null;
  if (!d.type) return t('doc.chooseType');
  return {
    type: d.type,
    number: d.number.trim(),
    issuingCountry: d.issuingCountry.trim() || undefined,
    issuedOn: d.issuedOn || undefined,
    expiresOn: d.expiresOn || undefined,
  };
}

export function DocumentFields({
  value,
  onChange,
  error,
  onRemove,
  testId,
}: {
  value: DocumentEntry;
  onChange: (d: DocumentEntry) => void;
  error?: string;
  onRemove?: () => void;
  testId: string;
}) {
  const set = (patch: Partial<DocumentEntry>) => onChange({ ...value, ...patch });
  return (
    <Paper withBorder p="sm" radius="md" data-testid={testId}>
      <SimpleGrid cols={{ base: 2, lg: 3 }} spacing="xs">
        <Select
          size="md"
          label={t('doc.type')}
          placeholder={t('doc.choose')}
          data={keysOf(DOCUMENT_LABEL).map((k) => ({ value: k, label: DOCUMENT_LABEL[k] }))}
          value={value.type}
          onChange={(v) => set({ type: v as DocumentType | null })}
          data-testid={`${testId}-type`}
        />
        <TextInput
          size="md"
          label={t('doc.number')}
          value={value.number}
          onChange={(e) => set({ number: e.currentTarget.value })}
          maxLength={64}
          classNames={{ input: 'mono' }}
          data-testid={`${testId}-number`}
        />
        <TextInput
          size="md"
          label={t('doc.country')}
          placeholder={t('doc.countryPlaceholder')}
          value={value.issuingCountry}
          onChange={(e) => set({ issuingCountry: e.currentTarget.value.toUpperCase() })}
          maxLength={3}
          data-testid={`${testId}-country`}
        />
        <IsoDateInput size="md" label={t('doc.issuedOn')} value={value.issuedOn} onValue={(issuedOn) => set({ issuedOn })} data-testid="document-issued" />
        <IsoDateInput size="md" label={t('doc.expiresOn')} value={value.expiresOn} onValue={(expiresOn) => set({ expiresOn })} data-testid="document-expires" />
        {onRemove && (
          <Group align="flex-end">
            <Button variant="subtle" color="red" size="md" onClick={onRemove}>
              {t('remove')}
            </Button>
          </Group>
        )}
      </SimpleGrid>
      {error && (
        <Text size="sm" c="red.8" mt={4} role="alert">
          {error}
        </Text>
      )}
    </Paper>
  );
}

// --- vulnerabilities, marks, notes ---------------------------------------------------------------------------------

export function VulnerabilityChips({ value, onChange, error }: { value: Vulnerability[]; onChange: (v: Vulnerability[]) => void; error?: string }) {
  return (
    <div>
      <Text size="sm" fw={500} mb={4}>
        {t('vulnerabilities')}
      </Text>
      <Chip.Group multiple value={value} onChange={(v) => onChange(v as Vulnerability[])}>
        <Group gap={8} data-testid="vulnerabilities">
          {keysOf(VULNERABILITY_LABEL).map((k) => (
            <Chip key={k} value={k} size="md" variant="outline">
              {VULNERABILITY_LABEL[k]}
            </Chip>
          ))}
        </Group>
      </Chip.Group>
      {error && (
        <Text size="sm" c="red.8" mt={4} role="alert">
          {error}
        </Text>
      )}
    </div>
  );
}

/** Distinguishing marks are typed one per line. */
export const marksOf = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** Distinguishing marks, one per line (`marksOf` makes the list the API takes). */
export function MarksField({ value, onChange, error, testId }: { value: string; onChange: (v: string) => void; error?: string; testId?: string }) {
  return (
    <Textarea
      size="md"
      label={t('marks')}
      description={t('marksHint')}
      autosize
      minRows={2}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      dir="auto"
      ref={bidi('auto')}
      error={error}
      data-testid={testId}
    />
  );
}

export function NotesField({ value, onChange, error, testId }: { value: string; onChange: (v: string) => void; error?: string; testId?: string }) {
  return (
    <Textarea
      size="md"
      label={t('notes')}
      autosize
      minRows={2}
      maxLength={4000}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      dir="auto"
      ref={bidi('auto')}
      error={error}
      data-testid={testId}
    />
  );
}

// --- household -----------------------------------------------------------------------------------------------------

export type HouseholdChoice =
  | { mode: 'keep' }
  | { mode: 'none' }
  | { mode: 'new'; label: string }
  | { mode: 'join'; householdId: string | null; via: string | null };

/**
 * A household: none, a new one (with a label such as "al-Jubouri family, P1-B1 tent 14"), or the household of another
 * person found by name (opening that record is a read, audited for family tracing). `keep` leaves it as recorded.
 */
export function HouseholdPicker({
  value,
  onChange,
  current,
  error,
  vertical = false,
}: {
  value: HouseholdChoice;
  onChange: (c: HouseholdChoice) => void;
  /** The choices one under the other (a narrow side panel such as the person page's). */
  vertical?: boolean;
  /** The household recorded now (correction), with its label when known. */
  current?: { id: string; label: string | null } | null;
  error?: string;
}) {
  const phone = usePhone();
  const other = [
    { value: 'new', label: t('household.new') },
    { value: 'join', label: t('household.join') },
  ];
  const modes =
    current === undefined
      ? [{ value: 'none', label: t('household.none') }, ...other]
      : current
        ? [{ value: 'keep', label: t('household.keep') }, { value: 'none', label: t('household.leave') }, ...other]
        : [{ value: 'keep', label: t('household.none') }, ...other];
  return (
    <Stack gap={6}>
      <div>
        <Text size="sm" fw={500} mb={2}>
          {t('household.label')}
          {current && (
            <Text span c="dimmed" size="sm">
              {' '}
              ({t('household.now', { label: current.label ?? t('household.recorded') })})
            </Text>
          )}
        </Text>
        <SegmentedControl
          size="md"
          value={value.mode}
          onChange={(m) =>
            onChange(
              m === 'new' ? { mode: 'new', label: '' } : m === 'join' ? { mode: 'join', householdId: null, via: null } : ({ mode: m } as HouseholdChoice),
            )
          }
          data={modes}
          orientation={vertical || phone ? 'vertical' : 'horizontal'}
          fullWidth={vertical || phone}
          aria-label={t('household.label')}
          data-testid="household-mode"
        />
      </div>
      {value.mode === 'new' && (
        <TextInput
          size="md"
          label={t('household.newLabel')}
          placeholder={t('household.newPlaceholder')}
          value={value.label}
          onChange={(e) => onChange({ mode: 'new', label: e.currentTarget.value })}
          dir="auto"
          ref={bidi('auto')}
          maxLength={200}
          data-testid="household-label"
        />
      )}
      {value.mode === 'join' && <JoinHousehold value={value} onChange={onChange} />}
      {error && (
        <Text size="sm" c="red.8" role="alert">
          {error}
        </Text>
      )}
    </Stack>
  );
}

/** What is missing from a household choice before it can be saved, or null. */
export function householdMissing(choice: HouseholdChoice): string | null {
  if (choice.mode === 'new' && !choice.label.trim()) return t('household.needLabel');
  if (choice.mode === 'join' && !choice.householdId) return t('household.needMember');
  return null;
}

/**
 * Makes the household of a "New household" choice when the form is saved, once per label: an attempt whose save is
 * then refused leaves it made, and the next attempt uses it instead of making a second one.
 */
export function useNewHousehold(): (label: string, facilityId: string | undefined) => Promise<string> {
  const made = useRef<{ label: string; id: string } | null>(null);
  return async (label, facilityId) => {
    if (made.current?.label !== label) {
      const body: CreateHouseholdRequest = { label, facilityId };
      made.current = { label, id: (await api<{ id: string }>('/households', { method: 'POST', body })).id };
    }
    return made.current.id;
  };
}

const FAMILY_PURPOSE = 'family_tracing';

function JoinHousehold({ value, onChange }: { value: Extract<HouseholdChoice, { mode: 'join' }>; onChange: (c: HouseholdChoice) => void }) {
  const [q, setQ] = useState('');
  const [sent, setSent] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const hits = useQuery({
    queryKey: ['persons', 'search', 'household', sent],
    queryFn: () => api<PersonHit[]>(`/persons${qs({ q: sent, limit: 8 })}`, { purpose: FAMILY_PURPOSE }),
    enabled: sent.length >= 2,
  });
  async function pick(h: PersonHit) {
    setProblem(null);
    try {
      const p = await api<Person>(`/persons/${h.id}`, { purpose: FAMILY_PURPOSE });
      if (!p.householdId) {
        setProblem(t('household.noHousehold', { name: h.name }));
        return;
      }
      onChange({ mode: 'join', householdId: p.householdId, via: h.name });
    } catch (e) {
      setProblem(errorText(e));
    }
  }
  if (value.householdId) {
    return (
      <Group gap="sm">
        <Text size="sm">
          {t('household.of')} <Name fw={600}>{value.via ?? ''}</Name>
        </Text>
        <Button variant="subtle" size="sm" onClick={() => onChange({ mode: 'join', householdId: null, via: null })}>
          {t('household.another')}
        </Button>
      </Group>
    );
  }
  return (
    <Stack gap={6}>
      <Group gap="sm" align="flex-end">
        <TextInput
          size="md"
          label={t('household.member')}
          description={t('household.memberHint')}
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
          style={{ flex: '1 1 260px' }}
        />
        <Button size="md" variant="light" onClick={() => setSent(q.trim())} disabled={q.trim().length < 2}>
          {t('household.search')}
        </Button>
      </Group>
      {hits.data?.map((h) => (
        <UnstyledButton
          key={h.id}
          onClick={() => void pick(h)}
          p={8}
          style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 6, minHeight: 44 }}
        >
          <Name fw={600}>{h.name}</Name>
          <Text span size="sm" c="dimmed">
            {' '}
            · {t(`common:sexShort.${h.sex}`, { defaultValue: h.sex })} · {h.birthLabel === 'unknown' ? t('household.birthUnknown') : h.birthLabel} ·{' '}
            {h.nationalities.join(', ') || '–'}
          </Text>
        </UnstyledButton>
      ))}
      {hits.data?.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('household.nobody')}
        </Text>
      )}
      {(problem || hits.error) && (
        <Text size="sm" c="red.8" role="alert">
          {problem ?? errorText(hits.error)}
        </Text>
      )}
    </Stack>
  );
}

/** A phone's width (below Mantine's `xs` breakpoint): controls lay out one choice under the other or share the width. */
function usePhone(): boolean {
  return useMediaQuery('(max-width: 36em)') ?? false;
}
