import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../../components/Problems';
import { apiPage, qs, type PersonHit } from '../../lib/api';
import { num, statusLabel } from '../../lib/format';
import { useFacilityNames } from '../../lib/queries';
import { useSession } from '../../lib/session';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHOWN = 10;

/**
 * Pick a person by name (the registry's search across scripts, within the reader's scope, audited with the purpose)
 * or by pasting a record id. The choice is shown with the person's nationalities and where they are, so the user sees
 * whom they picked before acting.
 */
export function PersonPicker({
  purpose,
  value,
  onChange,
  testId = 'person-picker',
}: {
  purpose: string;
  value: PersonHit | null;
  onChange: (p: PersonHit | null) => void;
  testId?: string;
}) {
  const { t } = useTranslation('casework');
  const session = useSession();
  const facilities = useFacilityNames(session.can('facilities.read'));
  const [text, setText] = useState('');
  const [q] = useDebouncedValue(text.trim(), 300);
  const byId = UUID.test(q);
  const search = useQuery({
    queryKey: ['persons', 'picker', q, purpose],
    queryFn: ({ signal }) => apiPage<PersonHit>(`/persons${qs({ q: byId ? undefined : q, limit: SHOWN })}`, { purpose, signal }),
    enabled: q.length >= 2 && !byId && !value,
  });
  if (value) {
    return (
      <Paper withBorder p="xs" data-testid={`${testId}-chosen`}>
        <Group justify="space-between" wrap="nowrap">
          <div>
            <Text fw={600}>{value.name || value.id.slice(0, 8)}</Text>
            <Text size="xs" c="dimmed">
              {[
                value.birthLabel,
                value.nationalities.join(', '),
                value.status ? statusLabel(value.status) : '',
                value.facilityId ? (facilities.get(value.facilityId)?.name ?? '') : '',
              ]
                .filter(Boolean)
                .join(' · ')}
            </Text>
          </div>
          <Button
            variant="subtle"
            size="xs"
            onClick={() => {
              onChange(null);
              setText('');
            }}
            data-testid={`${testId}-change`}
          >
            {t('picker.change')}
          </Button>
        </Group>
      </Paper>
    );
  }
  const rows = search.data?.rows ?? [];
  return (
    <Stack gap={4}>
      <TextInput
        label={t('picker.label')}
        description={t('picker.hint')}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        data-testid={`${testId}-input`}
      />
      {byId && (
        <Button
          variant="light"
          size="xs"
          w="fit-content"
          onClick={() =>
            onChange({
              id: q,
              name: '',
              otherNames: [],
              sex: '',
              birthDate: null,
              birthPrecision: '',
              birthLabel: '',
              nationalities: [],
              status: '',
              facilityId: null,
              unitId: null,
              score: 0,
            })
          }
          data-testid={`${testId}-use-id`}
        >
          {t('picker.useId', { id: q.slice(0, 8) })}
        </Button>
      )}
      <ErrorNote error={search.error} what={t('picker.what')} />
      {search.data && (
        <Text size="xs" c="dimmed" data-testid={`${testId}-count`}>
          {search.data.total > rows.length
            ? t('picker.countMore', { shown: num(rows.length), total: num(search.data.total) })
            : t('picker.count', { n: num(rows.length) })}
        </Text>
      )}
      {rows.map((p) => (
        <Button
          key={p.id}
          variant="default"
          justify="space-between"
          fullWidth
          h="auto"
          py={4}
          onClick={() => onChange(p)}
          data-testid={`${testId}-option`}
          rightSection={
            <Group gap={4}>
              {p.nationalities.map((n) => (
                <Badge key={n} size="xs" variant="light">
                  {n}
                </Badge>
              ))}
            </Group>
          }
        >
          <Text size="sm" ta="start">
            {p.name}{' '}
            <Text span size="xs" c="dimmed">
              {[p.birthLabel, statusLabel(p.status), p.facilityId ? (facilities.get(p.facilityId)?.name ?? '') : ''].filter(Boolean).join(' · ')}
            </Text>
          </Text>
        </Button>
      ))}
    </Stack>
  );
}
