// The enrolment's duplicate warning: the person being registered beside the records that may already be them, and
// the registrar's answer (open one of them, or a new person anyway, with a reason the API audits).

import { useState, type ReactNode } from 'react';
import { Alert, Button, Group, Paper, ScrollArea, Stack, Table, Text, TextInput } from '@mantine/core';
import type { DuplicateCandidateResponse } from '../../../../src/modules/registry/registry.dto';
import { ApiError } from '../../lib/api';
import { num, statusLabel } from '../../lib/format';
import { i18next } from '../../i18n';
import { Name } from '../../components/Name';
import { useTranslation } from 'react-i18next';

export type DuplicateCandidate = DuplicateCandidateResponse;

/** The candidates of a 409 `registry.possible_duplicate`, or null for any other error. */
export function duplicateCandidatesOf(err: unknown): DuplicateCandidate[] | null {
  if (!(err instanceof ApiError) || err.code !== 'registry.possible_duplicate') return null;
  const candidates = (err.details as { candidates?: DuplicateCandidate[] } | undefined)?.candidates;
  return Array.isArray(candidates) ? candidates : null;
}

/** What the form is about to register, in the same rows as the candidates. */
export interface EnteredPerson {
  names: string[];
  sex: string;
  birth: string;
  nationalities: string[];
  household: string;
  facility: string;
}

const sexLabel = (s: string): string => i18next.t(`common:sex.${s}`, { defaultValue: s });

export function DuplicateWarning({
  entered,
  candidates,
  facilityName,
  busy,
  onOpen,
  onConfirmNew,
}: {
  entered: EnteredPerson;
  candidates: DuplicateCandidate[];
  facilityName: (id: string | null) => string;
  busy: boolean;
  onOpen: (id: string) => void;
  onConfirmNew: (reason: string) => void;
}) {
  const { t } = useTranslation('persons');
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  // `key` names the row for tests (`duplicate-facility`) whatever the language of its label
  const rows: { key: string; label: string; now: ReactNode; of: (c: DuplicateCandidate) => ReactNode }[] = [
    {
      key: 'names',
      label: t('dup.names'),
      now: <Names names={entered.names} />,
      of: (c) => <Names names={c.names} />,
    },
    { key: 'sex', label: t('dup.sex'), now: sexLabel(entered.sex), of: (c) => sexLabel(c.sex) },
    { key: 'birth', label: t('dup.birth'), now: entered.birth, of: (c) => (c.birthLabel === 'unknown' ? t('registry:birth.unknown') : c.birthLabel) },
    { key: 'nationalities', label: t('dup.nationalities'), now: entered.nationalities.join(', ') || '–', of: (c) => c.nationalities.join(', ') || '–' },
    { key: 'household', label: t('dup.household'), now: entered.household, of: (c) => c.householdLabel ?? '–' },
    {
      key: 'facility',
      label: t('dup.facility'),
      now: entered.facility,
      of: (c) => `${facilityName(c.facilityId ?? c.registeredFacilityId)} · ${statusLabel(c.status)}`,
    },
    { key: 'alike-in', label: t('dup.alikeIn'), now: '', of: (c) => c.reasons.join(', ') },
  ];
  function confirm() {
    if (reason.trim().length < 3) {
      setReasonError(t('dup.reasonError'));
      return;
    }
    setReasonError(null);
    onConfirmNew(reason.trim());
  }
  return (
    <Paper withBorder p="md" radius="md" data-testid="duplicate-warning" role="alertdialog" aria-labelledby="duplicate-title">
      <Stack gap="sm">
        <Alert color="orange" variant="light" title={<span id="duplicate-title">{t('dup.title')}</span>}>
          {t('dup.text', { count: candidates.length, n: num(candidates.length) })}
        </Alert>
        <ScrollArea type="auto">
          <Table withColumnBorders verticalSpacing="xs" style={{ minWidth: 480 }}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th />
                <Table.Th>{t('dup.now')}</Table.Th>
                {candidates.map((c, i) => (
                  <Table.Th key={c.id}>{candidates.length > 1 ? t('dup.existingN', { n: num(i + 1) }) : t('dup.existing')}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.key}>
                  <Table.Th scope="row">{r.label}</Table.Th>
                  <Table.Td>{r.now}</Table.Td>
                  {candidates.map((c) => (
                    <Table.Td key={c.id} data-testid={`duplicate-${r.key}`}>
                      {r.of(c)}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
              <Table.Tr>
                <Table.Th scope="row" />
                <Table.Td />
                {candidates.map((c) => (
                  <Table.Td key={c.id}>
                    <Button variant="light" size="md" onClick={() => onOpen(c.id)} data-testid="duplicate-open">
                      {t('dup.open')}
                    </Button>
                  </Table.Td>
                ))}
              </Table.Tr>
            </Table.Tbody>
          </Table>
        </ScrollArea>
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            size="md"
            style={{ flex: '1 1 320px' }}
            label={t('dup.reason')}
            description={t('dup.reasonHint')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={reasonError}
            data-testid="duplicate-reason"
          />
          <Button size="md" color="orange" loading={busy} onClick={confirm} data-testid="duplicate-confirm-new">
            {t('dup.registerAnyway')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function Names({ names }: { names: string[] }) {
  if (names.length === 0) return <Text span>–</Text>;
  return (
    <Stack gap={2}>
      {names.map((n) => (
        <Name key={n}>{n}</Name>
      ))}
    </Stack>
  );
}
