// The enrolment's duplicate warning: the person being registered beside the records that may already be them, and
// the registrar's answer (open one of them, or a new person anyway, with a reason the API audits).

import { useState, type ReactNode } from 'react';
import { Alert, Button, Group, Paper, ScrollArea, Stack, Table, Text, TextInput } from '@mantine/core';
import type { DuplicateCandidateResponse } from '../../../../src/modules/registry/registry.dto';
import { ApiError } from '../../lib/api';
import { statusLabel } from '../../lib/format';
import { Name } from '../../components/Name';

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

const SEX: Record<string, string> = { F: 'Female', M: 'Male', U: 'Unknown' };

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
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const rows: { label: string; now: ReactNode; of: (c: DuplicateCandidate) => ReactNode }[] = [
    {
      label: 'Names',
      now: <Names names={entered.names} />,
      of: (c) => <Names names={c.names} />,
    },
    { label: 'Sex', now: SEX[entered.sex] ?? entered.sex, of: (c) => SEX[c.sex] ?? c.sex },
    { label: 'Birth', now: entered.birth, of: (c) => (c.birthLabel === 'unknown' ? 'unknown' : c.birthLabel) },
    { label: 'Nationalities', now: entered.nationalities.join(', ') || '–', of: (c) => c.nationalities.join(', ') || '–' },
    { label: 'Household', now: entered.household, of: (c) => c.householdLabel ?? '–' },
    {
      label: 'Facility',
      now: entered.facility,
      of: (c) => `${facilityName(c.facilityId ?? c.registeredFacilityId)} · ${statusLabel(c.status)}`,
    },
    { label: 'Alike in', now: '', of: (c) => c.reasons.join(', ') },
  ];
  function confirm() {
    if (reason.trim().length < 3) {
      setReasonError('Say why this is a different person (3 characters at least)');
      return;
    }
    setReasonError(null);
    onConfirmNew(reason.trim());
  }
  return (
    <Paper withBorder p="md" radius="md" data-testid="duplicate-warning" role="alertdialog" aria-labelledby="duplicate-title">
      <Stack gap="sm">
        <Alert color="orange" variant="light" title={<span id="duplicate-title">This person may already be registered</span>}>
          {candidates.length === 1 ? 'A record' : `${candidates.length} records`} you can see look like the person you are registering. Compare them before
          saving: registering the same person twice splits their history.
        </Alert>
        <ScrollArea type="auto">
          <Table withColumnBorders verticalSpacing="xs" style={{ minWidth: 480 }}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th />
                <Table.Th>Registering now</Table.Th>
                {candidates.map((c, i) => (
                  <Table.Th key={c.id}>Existing record {candidates.length > 1 ? i + 1 : ''}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.label}>
                  <Table.Th scope="row">{r.label}</Table.Th>
                  <Table.Td>{r.now}</Table.Td>
                  {candidates.map((c) => (
                    <Table.Td key={c.id} data-testid={`duplicate-${r.label.toLowerCase().replace(/\W+/g, '-')}`}>
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
                      This is the same person: open the record
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
            label="Not the same person? Say why"
            description="Recorded with the new record in the audit log"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={reasonError}
            data-testid="duplicate-reason"
          />
          <Button size="md" color="orange" loading={busy} onClick={confirm} data-testid="duplicate-confirm-new">
            Register a new person anyway
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
