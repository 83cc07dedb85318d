import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Collapse, Group, NumberInput, Paper, Select, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { api, type PersonHit } from '../../lib/api';
import { instantOf, LEGAL_STATUSES, type LegalCase } from './cases.api';
import { PersonPicker } from './PersonPicker';

/**
 * Open the legal case of a person in custody (cases.write): the person picked by name in the officer's scope (read for
 * a legal case, audited), the grounds, the authority, the status and the review interval. The server refuses a person
 * out of custody or one who has a case already, with the reason.
 */
export function OpenCaseForm({ onOpened }: { onOpened: (id: string) => void }) {
  const { t } = useTranslation('casework');
  const tc = useTranslation('cases').t;
  const qc = useQueryClient();
  const [shown, setShown] = useState(false);
  const [person, setPerson] = useState<PersonHit | null>(null);
  const [grounds, setGrounds] = useState('');
  const [authority, setAuthority] = useState('');
  const [status, setStatus] = useState<string | null>('held_without_charge');
  const [months, setMonths] = useState<number | string>(6);
  const [openedAt, setOpenedAt] = useState('');
  const interval = typeof months === 'number' ? months : Number.parseInt(months, 10);
  const open = useMutation({
    mutationFn: () =>
      api<LegalCase>('/cases/legal', {
        method: 'POST',
        body: {
          personId: person?.id,
          grounds: grounds.trim(),
          authority: authority.trim(),
          status,
          reviewIntervalMonths: interval,
          openedAt: instantOf(openedAt),
        },
      }),
    onSuccess: (c) => {
      void qc.invalidateQueries({ queryKey: ['cases'] });
      onOpened(c.id);
    },
  });
  return (
    <Paper withBorder p="sm" data-testid="open-case">
      <Group justify="space-between">
        <Text fw={600}>{t('open.title')}</Text>
        <Button variant="subtle" size="xs" onClick={() => setShown((v) => !v)} data-testid="open-case-toggle">
          {shown ? t('open.hide') : t('open.show')}
        </Button>
      </Group>
      <Collapse expanded={shown}>
        <Stack gap="xs" mt="xs">
          <PersonPicker purpose="legal_case" value={person} onChange={setPerson} testId="open-case-person" />
          <Textarea label={tc('case.grounds')} value={grounds} onChange={(e) => setGrounds(e.currentTarget.value)} data-testid="open-case-grounds" />
          <SimpleGrid cols={{ base: 1, sm: 4 }}>
            <TextInput label={t('open.authority')} value={authority} onChange={(e) => setAuthority(e.currentTarget.value)} data-testid="open-case-authority" />
            <Select
              label={tc('col.status')}
              data={LEGAL_STATUSES.map((x) => ({ value: x, label: tc(`status.${x}`) }))}
              value={status}
              onChange={setStatus}
              allowDeselect={false}
            />
            <NumberInput label={t('open.interval')} min={1} max={24} value={months} onChange={setMonths} />
            <TextInput
              type="datetime-local"
              label={t('open.openedAt')}
              description={t('open.defaultNow')}
              value={openedAt}
              onChange={(e) => setOpenedAt(e.currentTarget.value)}
            />
          </SimpleGrid>
          <ApiErrorAlert error={open.error} testId="open-case-error" />
          <Group>
            <Button
              onClick={() => open.mutate()}
              loading={open.isPending}
              disabled={!person || !grounds.trim() || !authority.trim() || !Number.isInteger(interval) || interval < 1 || interval > 24}
              data-testid="open-case-save"
            >
              {t('open.submit')}
            </Button>
          </Group>
        </Stack>
      </Collapse>
    </Paper>
  );
}
