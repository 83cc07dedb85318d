import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Badge, Button, FileInput, Group, List, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/Problems';
import { dateTime } from '../../lib/format';
import { FaceCapture } from '../biometrics/FaceCapture';
import { checkpointFaceQuality, OUTCOME_COLOR, runCheck, type CheckAnswer } from './sightings.api';

/** Checkpoints on the roads out of north-east Syria (place names are data, as printed on the road signs). */
const CHECKPOINTS = [
  { value: 'rabia', label: 'Rabia crossing', latitude: 36.81, longitude: 42.1 },
  { value: 'faysh-khabur', label: 'Faysh Khabur / Semalka bridge', latitude: 37.08, longitude: 42.38 },
  { value: 'yarubiyah', label: 'al-Yarubiyah', latitude: 36.82, longitude: 42.06 },
  { value: 'tal-abyad', label: 'Tal Abyad', latitude: 36.7, longitude: 38.95 },
  { value: 'hol-road', label: 'al-Hol – al-Hasakah road', latitude: 36.5, longitude: 41.0 },
  { value: 'deir-ez-zor', label: 'Deir ez-Zor bridge', latitude: 35.34, longitude: 40.14 },
] as const;
const PLACE_KEY = 'custos.checkpoint.place';

function storedPlace(): string {
  try {
    return localStorage.getItem(PLACE_KEY) ?? CHECKPOINTS[0].value;
  } catch {
    return CHECKPOINTS[0].value;
  }
}

/**
 * The checkpoint phone: a face from the camera (upload as fallback), fingerprints from a scanner's files, and/or the
 * document number with the name on it. The answer is an instruction and a reference, never a name or a history.
 */
export default function CheckpointPage() {
  const { t } = useTranslation('sightings');
  const [place, setPlace] = useState<string>(storedPlace);
  const [face, setFace] = useState<Blob | null>(null);
  const [capture, setCapture] = useState(0);
  const [prints, setPrints] = useState<File[]>([]);
  const [docNumber, setDocNumber] = useState('');
  const [docName, setDocName] = useState('');
  const [answer, setAnswer] = useState<CheckAnswer | null>(null);
  const checkpoint = CHECKPOINTS.find((c) => c.value === place) ?? CHECKPOINTS[0];
  const ready = !!face || prints.length > 0 || docNumber.trim().length > 0;

  const check = useMutation({
    mutationFn: () =>
      runCheck({
        place: checkpoint.label,
        latitude: checkpoint.latitude,
        longitude: checkpoint.longitude,
        face,
        fingerprints: prints,
        document: docNumber.trim() ? { number: docNumber.trim(), name: docName.trim() || undefined } : undefined,
      }),
    onMutate: () => setAnswer(null),
    onSuccess: (a) => setAnswer(a),
  });

  const reset = () => {
    setFace(null);
    setPrints([]);
    setDocNumber('');
    setDocName('');
    setAnswer(null);
    setCapture((n) => n + 1);
  };

  return (
    <Stack gap="md" maw={560} data-testid="checkpoint-page">
      <PageHeader title={t('checkpoint.title')} description={t('checkpoint.description')} />
      <Select
        label={t('checkpoint.place')}
        data={CHECKPOINTS.map((c) => ({ value: c.value, label: c.label }))}
        value={place}
        onChange={(v) => {
          if (!v) return;
          setPlace(v);
          try {
            localStorage.setItem(PLACE_KEY, v);
          } catch {
            // storage unavailable: the choice lasts for this page
          }
        }}
        allowDeselect={false}
        data-testid="checkpoint-place"
      />
      {answer ? (
        <Paper withBorder p="md" radius="md" data-testid="checkpoint-answer" data-outcome={answer.outcome}>
          <Stack gap="xs">
            <Badge size="xl" color={OUTCOME_COLOR[answer.outcome]} variant="filled" data-testid="checkpoint-instruction">
              {t(`outcome.${answer.outcome}`)}
            </Badge>
            <Text>{t(`instruction.${answer.outcome}`)}</Text>
            <Group gap="xs">
              <Text size="sm" c="dimmed">
                {t('checkpoint.reference')}
              </Text>
              <Text fw={700} ff="monospace" data-testid="checkpoint-reference">
                {answer.reference}
              </Text>
            </Group>
            <Text size="xs" c="dimmed">
              {t('checkpoint.at', { at: dateTime(answer.at), place: checkpoint.label })}
            </Text>
            {answer.retake.length > 0 && (
              <>
                <Text fw={600}>{t('checkpoint.retakeTitle', { count: answer.retake.length })}</Text>
                <List size="sm" data-testid="checkpoint-retake">
                  {answer.retake.map((r) => (
                    <List.Item key={`${r.input}-${r.index ?? 0}`}>
                      {t(`retake.${r.input}`, { n: (r.index ?? 0) + 1 })} — {r.message}
                    </List.Item>
                  ))}
                </List>
              </>
            )}
            <Button onClick={reset} size="md" data-testid="checkpoint-next">
              {t('checkpoint.next')}
            </Button>
          </Stack>
        </Paper>
      ) : (
        <Paper withBorder p="md" radius="md">
          <Stack gap="md">
            <div>
              <Title order={4}>{t('checkpoint.face')}</Title>
              {face ? (
                <Group justify="space-between">
                  <Text size="sm" data-testid="checkpoint-face-taken">
                    {t('checkpoint.faceTaken', { size: Math.round(face.size / 1024) })}
                  </Text>
                  <Button variant="subtle" size="xs" onClick={() => setFace(null)}>
                    {t('checkpoint.retakeFace')}
                  </Button>
                </Group>
              ) : (
                <FaceCapture
                  key={capture}
                  purpose="probe"
                  acceptLabel={t('checkpoint.useFace')}
                  onAccept={(image) => setFace(image)}
                  checkQuality={checkpointFaceQuality}
                  testId="face-capture"
                />
              )}
            </div>
            <FileInput
              label={t('checkpoint.fingerprints')}
              description={t('checkpoint.fingerprintsHint')}
              placeholder={t('checkpoint.choose')}
              multiple
              accept="image/png,image/tiff,image/bmp,image/jpeg,.tif,.tiff,.bmp"
              value={prints}
              onChange={setPrints}
              clearable
              data-testid="checkpoint-fingerprints"
            />
            <TextInput
              label={t('checkpoint.documentNumber')}
              description={t('checkpoint.documentHint')}
              value={docNumber}
              onChange={(e) => setDocNumber(e.currentTarget.value)}
              autoComplete="off"
              data-testid="checkpoint-document"
            />
            <TextInput
              label={t('checkpoint.documentName')}
              value={docName}
              onChange={(e) => setDocName(e.currentTarget.value)}
              autoComplete="off"
              data-testid="checkpoint-document-name"
            />
            <ErrorNote error={check.error} what={t('checkpoint.what')} />
            <Button size="lg" onClick={() => check.mutate()} disabled={!ready} loading={check.isPending} data-testid="checkpoint-submit">
              {t('checkpoint.submit')}
            </Button>
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}
