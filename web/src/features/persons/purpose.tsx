import { useState, type FormEvent } from 'react';
import { Button, Group, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useSession } from '../../lib/session';
import { i18next } from '../../i18n';
import { useTranslation } from 'react-i18next';

/** Purposes a read of a person record is made for; each read is written to the audit log with one of them. */
export const PURPOSES: { value: string; label: string }[] = [
  { value: 'custody_operations', label: 'Custody operations (roll call, placement)' },
  { value: 'registration', label: 'Registration and correction' },
  { value: 'family_tracing', label: 'Family tracing and household' },
  { value: 'health_welfare', label: 'Health and welfare' },
  { value: 'legal_case', label: 'Legal case or review' },
  { value: 'consular_liaison', label: 'Consular liaison' },
  { value: 'repatriation', label: 'Repatriation' },
  { value: 'investigation', label: 'Investigation' },
  { value: 'security_screening', label: 'Security screening' },
  { value: 'command_oversight', label: 'Command oversight' },
  { value: 'administration', label: 'Administration' },
];

const KEY = 'custos.purpose';
const VALID = /^[\p{L}\p{N} .:_-]{2,100}$/u;

export function isValidPurpose(p: string | null | undefined): p is string {
  return !!p && VALID.test(p);
}

export function rememberedPurpose(fallback: string): string {
  try {
    const p = sessionStorage.getItem(KEY);
    return isValidPurpose(p) ? p : fallback;
  } catch {
    return fallback;
  }
}

export function rememberPurpose(p: string): void {
  try {
    sessionStorage.setItem(KEY, p);
  } catch {
    /* private mode */
  }
}

/** A purpose's label in the interface's language (`persons:purpose.*`; the English list is the fallback). */
export function purposeLabel(p: string): string {
  return i18next.t(`persons:purpose.${p}`, { defaultValue: PURPOSES.find((x) => x.value === p)?.label ?? p });
}

const translated = () => PURPOSES.map((p) => ({ value: p.value, label: purposeLabel(p.value) }));

/** The purpose selector shown above search results and before a record opens without one. */
export function PurposeSelect({ value, onChange }: { value: string; onChange: (p: string) => void }) {
  const { t } = useTranslation('persons');
  const data = PURPOSES.some((p) => p.value === value) ? translated() : [...translated(), { value, label: value }];
  return (
    <Select
      label={t('purposeSelect.label')}
      description={t('purposeSelect.description')}
      data={data}
      value={value}
      allowDeselect={false}
      onChange={(v) => {
        if (v) {
          rememberPurpose(v);
          onChange(v);
        }
      }}
      w={320}
      maw="100%"
      comboboxProps={{ withinPortal: true }}
      data-testid="purpose-select"
    />
  );
}

/** Asks why the record is being opened before anything of it is read. */
export function PurposeGate({ onChoose }: { onChoose: (p: string) => void }) {
  const { t } = useTranslation('persons');
  const session = useSession();
  const [choice, setChoice] = useState<string | null>(rememberedPurpose(session.purpose));
  const [other, setOther] = useState('');
  const value = choice === 'other' ? other.trim() : choice;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (isValidPurpose(value)) {
      rememberPurpose(value);
      onChoose(value);
    }
  };
  return (
    <Paper withBorder p="lg" radius="md" maw={520}>
      <form onSubmit={submit} aria-label={t('purposeGate.form')}>
        <Stack>
          <Title order={1} size="h3">
            {t('purposeGate.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('purposeGate.text')}
          </Text>
          <Select
            label={t('purposeGate.purpose')}
            data={[...translated(), { value: 'other', label: t('purposeGate.other') }]}
            value={choice}
            onChange={setChoice}
            allowDeselect={false}
            data-testid="purpose-gate-select"
          />
          {choice === 'other' && (
            <TextInput
              label={t('purposeGate.purpose')}
              description={t('purposeGate.otherHint')}
              value={other}
              onChange={(e) => setOther(e.currentTarget.value)}
            />
          )}
          <Group>
            <Button type="submit" disabled={!isValidPurpose(value)} data-testid="purpose-open">
              {t('purposeGate.open')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
