import { useCallback, useState } from 'react';
import { Alert as MAlert, Badge, Button, Grid, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { Link } from '../components/Link';
import { Name } from '../components/Name';
import { PageHeader } from '../components/PageHeader';
import { dateTime } from '../lib/format';
import { useSession } from '../lib/session';
import { PurposeSelect, rememberedPurpose } from '../features/persons/purpose';
import { ProbeCapture } from '../features/verify/ProbeCapture';
import { identifyProbe, type Identification, type Probe } from '../features/verify/verify.api';
import { useRecordPhotos } from '../features/verify/photos';

/**
 * 1:N identification (biometrics.read): a face or fingerprint searched in the galleries of the persons the officer
 * may see; the candidates above the identification threshold, ranked with their scores, each opening the record for
 * the chosen purpose (that read is audited). A candidate list is a lead for a person to check, never a decision.
 */
export default function IdentifyPage() {
  const { t } = useTranslation('verify');
  const session = useSession();
  const [probe, setProbe] = useState<Probe | null>(null);
  const [purpose, setPurpose] = useState(() => rememberedPurpose(session.purpose));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<Identification | null>(null);
  const onProbe = useCallback((p: Probe | null) => setProbe(p), []);
  const photos = useRecordPhotos(result?.candidates.map((c) => c.personId) ?? [], { purpose });

  async function run() {
    if (!probe) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await identifyProbe(probe, { limit: 10, purpose }));
    } catch (e) {
      setError(e);
      setResult(null);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack gap="md">
      <PageHeader title={t('identify.title')} description={t('identify.description')} />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Paper withBorder p="sm" radius="md">
            <Stack>
              <PurposeSelect value={purpose} onChange={setPurpose} />
              <ProbeCapture onProbe={onProbe} fingerOptional testId="identify-probe" />
              <Group justify="flex-end">
                <Button size="lg" onClick={() => void run()} disabled={!probe} loading={busy} data-testid="identify-run">
                  {t('identify.run')}
                </Button>
              </Group>
              <ApiErrorAlert error={error} title={t('notDone')} testId="identify-error" />
            </Stack>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Paper withBorder p="sm" radius="md" data-testid="identify-result">
            <Title order={2} size="h4" mb="xs">
              {t('identify.candidates')}
            </Title>
            {!result ? (
              <Text c="dimmed" size="sm">
                {t('identify.none')}
              </Text>
            ) : (
              <Stack gap="xs">
                <MAlert color="yellow" variant="light" py={6}>
                  <Text size="sm">{t('identify.notADecision')}</Text>
                </MAlert>
                <Text size="sm" data-testid="identify-count">
                  {t('identify.count', {
                    count: result.candidates.length,
                    threshold: result.threshold.toFixed(result.threshold < 1 ? 3 : 1),
                    fmr: result.targetFmr,
                  })}
                </Text>
                {result.candidates.length > 0 && (
                  <Table.ScrollContainer minWidth={0}>
                    <Table data-testid="identify-candidates">
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th>#</Table.Th>
                          <Table.Th />
                          <Table.Th>{t('identify.person')}</Table.Th>
                          <Table.Th ta="end">{t('identify.score')}</Table.Th>
                          <Table.Th />
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {result.candidates.map((c, i) => (
                          <Table.Tr key={c.personId} data-testid="identify-candidate" data-person-id={c.personId}>
                            <Table.Td>{i + 1}</Table.Td>
                            <Table.Td>
                              {photos.get(c.personId) ? (
                                <img src={photos.get(c.personId)!} alt="" width={48} height={64} className="candidate-photo" data-testid="candidate-photo" />
                              ) : (
                                <span className="candidate-photo" aria-hidden="true" />
                              )}
                            </Table.Td>
                            <Table.Td>
                              {c.name ? <Name inherit>{c.name}</Name> : <span className="mono">{c.personId.slice(0, 8)}</span>}
                              {c.fingerPosition !== null && (
                                <Badge ms={6} size="xs" variant="light">
                                  {t(`finger.${c.fingerPosition}`)}
                                </Badge>
                              )}
                            </Table.Td>
                            <Table.Td ta="end" className="mono">
                              {c.score.toFixed(c.score < 1 ? 3 : 1)}
                            </Table.Td>
                            <Table.Td ta="end">
                              <Link to={`/persons/${c.personId}?purpose=${encodeURIComponent(purpose)}`} data-testid="identify-open">
                                {t('identify.open')}
                              </Link>
                            </Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Table.ScrollContainer>
                )}
                <Text size="xs" c="dimmed">
                  {t('identify.recorded', { at: dateTime(result.at), by: result.by })}{' '}
                  <span className="mono" dir="ltr" data-testid="identification-id">
                    {result.id}
                  </span>
                </Text>
              </Stack>
            )}
          </Paper>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
