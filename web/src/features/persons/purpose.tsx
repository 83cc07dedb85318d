import { useState, type FormEvent } from 'react';
import { Button, Group, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useSession } from '../../lib/session';

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

export function purposeLabel(p: string): string {
  return PURPOSES.find((x) => x.value === p)?.label ?? p;
}

/** The purpose selector shown above search results and before a record opens without one. */
export function PurposeSelect({ value, onChange }: { value: string; onChange: (p: string) => void }) {
  const data = PURPOSES.some((p) => p.value === value) ? PURPOSES : [...PURPOSES, { value, label: value }];
  return (
    <Select
      label="Purpose of this search"
      description="Recorded in the audit log with every record you open"
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
      <form onSubmit={submit} aria-label="Purpose of opening this record">
        <Stack>
          <Title order={1} size="h3">
            Why are you opening this record?
          </Title>
          <Text size="sm" c="dimmed">
            Every read of a person record is written to the audit log with its purpose. Choose the purpose of this read.
          </Text>
          <Select
            label="Purpose"
            data={[...PURPOSES, { value: 'other', label: 'Other (say which)' }]}
            value={choice}
            onChange={setChoice}
            allowDeselect={false}
            data-testid="purpose-gate-select"
          />
          {choice === 'other' && (
            <TextInput
              label="Purpose"
              description="2-100 letters, digits, spaces, dots, colons, dashes"
              value={other}
              onChange={(e) => setOther(e.currentTarget.value)}
            />
          )}
          <Group>
            <Button type="submit" disabled={!isValidPurpose(value)} data-testid="purpose-open">
              Open the record
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
