import { useQuery } from '@tanstack/react-query';
import { Alert, Badge, Box, Grid, Image, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from '../../components/Link';
import { Name } from '../../components/Name';
import { api, type Person } from '../../lib/api';
import { useFacilityNames } from '../../lib/queries';
import { birthText } from '../persons/persons.api';
import { personPhotos, type Enrolment } from './biometrics.api';

/**
 * What an enrolment found: the likely duplicates the engines opened cases for, each shown at once beside the record
 * just enrolled (photo, names in both scripts, birth, facility) with a link to its case in the duplicates queue. Nothing
 * is merged: a registrar decides there.
 */
export function DuplicateFound({ personId, enrolment, purpose }: { personId: string; enrolment: Enrolment; purpose: string }) {
  const { t } = useTranslation('biometrics');
  if (enrolment.duplicates.length === 0) return null;
  return (
    <Alert color="orange" variant="light" title={t('duplicate.title', { count: enrolment.duplicates.length })} data-testid="duplicate-found">
      <Stack gap="sm">
        <Text size="sm">{t('duplicate.explain')}</Text>
        {enrolment.duplicates.map((d) => (
          <Paper key={d.caseId} withBorder p="xs" radius="md" data-testid="duplicate-case">
            <Text size="sm" mb={6}>
              <Badge color="orange" variant="filled" me={6}>
                {t('duplicate.score', { score: d.score.toFixed(3), modality: t(`modality.${enrolment.template.modality}`) })}
              </Badge>
              <Link to={`/duplicates/${d.caseId}`} data-testid="duplicate-case-link">
                {t('duplicate.open')}
              </Link>
            </Text>
            {d.existingPersonId ? (
              <Grid gap="xs">
                <Grid.Col span={{ base: 12, sm: 6 }}>
                  <Side personId={personId} purpose={purpose} label={t('duplicate.thisRecord')} />
                </Grid.Col>
                <Grid.Col span={{ base: 12, sm: 6 }}>
                  <Side personId={d.existingPersonId} purpose={purpose} label={t('duplicate.existing')} />
                </Grid.Col>
              </Grid>
            ) : (
              <Text size="sm" c="dimmed">
                {t('duplicate.outOfScope')}
              </Text>
            )}
          </Paper>
        ))}
      </Stack>
    </Alert>
  );
}

function Side({ personId, purpose, label }: { personId: string; purpose: string; label: string }) {
  const { t } = useTranslation('biometrics');
  const facilities = useFacilityNames();
  const person = useQuery({ queryKey: ['person', personId, purpose], queryFn: () => api<Person>(`/persons/${personId}`, { purpose }) });
  const photo = useQuery({
    queryKey: ['photo', personId, 'thumb', purpose],
    queryFn: () => personPhotos([personId], 'thumb', purpose).then((m) => m.get(personId) ?? null),
  });
  const p = person.data;
  const primary = p?.names.find((n) => n.kind === 'primary') ?? p?.names[0];
  const arabic = p?.names.find((n) => n.script === 'arabic' && n !== primary);
  const latin = p?.names.find((n) => n.script !== 'arabic' && n !== primary);
  const facilityId = p?.placement?.facilityId ?? p?.registeredFacilityId;
  return (
    <Box data-testid="duplicate-side" data-person-id={personId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Box style={{ display: 'flex', gap: 8, alignItems: 'flex-start' }}>
        {photo.data ? (
          <Image src={photo.data} alt={t('photo.alt')} w={72} h={96} fit="cover" radius="sm" />
        ) : (
          <Box w={72} h={96} bg="gray.1" style={{ borderRadius: 4, flexShrink: 0 }} aria-label={t('photo.none')} />
        )}
        <Stack gap={2} style={{ minWidth: 0 }}>
          {p ? (
            <>
              <Title order={3} size="h5">
                <Link to={`/persons/${personId}?purpose=${encodeURIComponent(purpose)}`}>
                  <Name inherit>{primary?.full ?? '–'}</Name>
                </Link>
              </Title>
              {(arabic ?? latin) && <Name size="sm">{(arabic ?? latin)!.full}</Name>}
              <Text size="sm">{t('duplicate.born', { birth: birthText(p.birth) })}</Text>
              <Text size="sm">{facilityId ? (facilities.get(facilityId)?.name ?? '–') : t('duplicate.noFacility')}</Text>
            </>
          ) : (
            <Text size="sm" c="dimmed">
              {person.error ? t('duplicate.unreadable') : '…'}
            </Text>
          )}
        </Stack>
      </Box>
    </Box>
  );
}
