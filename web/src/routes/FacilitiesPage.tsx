import { Badge, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, type StatusReport } from '../lib/api';
import { num } from '../lib/format';
import { useFacilities } from '../lib/queries';
import { useSession } from '../lib/session';
import { Link } from '../components/Link';
import { ErrorNote } from '../components/Problems';
import { useTranslation } from 'react-i18next';

export default function FacilitiesPage() {
  const { t } = useTranslation('facilities');
  const session = useSession();
  const facilities = useFacilities();
  const report = useQuery({ queryKey: ['reports', 'status'], queryFn: () => api<StatusReport>('/reports/status'), enabled: session.can('reports.read') });
  const onRoll = new Map((report.data?.facilities ?? []).map((f) => [f.id, f.onRoll]));
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('title')}
      </Title>
      <ErrorNote error={facilities.error} what={t('what')} />
      <Paper withBorder radius="md">
        <Table highlightOnHover verticalSpacing="sm" data-testid="facilities-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('facility')}</Table.Th>
              <Table.Th>{t('kind')}</Table.Th>
              <Table.Th ta="end">{t('capacity')}</Table.Th>
              {session.can('reports.read') && <Table.Th ta="end">{t('onRoll')}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(facilities.data ?? []).map((f) => (
              <Table.Tr key={f.id}>
                <Table.Td>
                  <Link to={`/facilities/${f.id}`}>{f.name}</Link>{' '}
                  <Text span c="dimmed" size="sm">
                    {f.code}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={f.kind === 'prison' ? 'grape' : 'teal'}>
                    {t(`kinds.${f.kind}`, { defaultValue: f.kind })}
                  </Badge>
                </Table.Td>
                <Table.Td ta="end" className="num">
                  {num(f.capacity)}
                </Table.Td>
                {session.can('reports.read') && (
                  <Table.Td ta="end" className="num">
                    {num(onRoll.get(f.id))}
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </Stack>
  );
}
