import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Badge, Box, Button, Group, Image, Modal, Paper, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { dateTime } from '../../lib/format';
import { useSession } from '../../lib/session';
import { enrolFace, erasePhoto, personBiometrics, personPhotos, type Enrolment } from './biometrics.api';
import { DuplicateFound } from './DuplicateFound';
import { FaceCapture } from './FaceCapture';
import { FingerprintCapture } from './FingerprintCapture';

/**
 * The record's "Biometrics" panel: the record photo (for everyone who may read the record), the enrolled modalities
 * with their quality and the missing fingers (biometrics.read), and for registrars "Add face" (camera or upload, the
 * engine's verdict first; the capture's portrait becomes the photo) and "Add fingerprints" (scanner files per finger,
 * missing-finger codes). A likely duplicate found by an enrolment is shown at once, side by side.
 */
export function BiometricsPanel({ personId, purpose, startCapture = false }: { personId: string; purpose: string; startCapture?: boolean }) {
  const { t } = useTranslation('biometrics');
  const session = useSession();
  const client = useQueryClient();
  const small = useMediaQuery('(max-width: 600px)');
  const [faceOpen, setFaceOpen] = useState(false);
  const [fingersOpen, setFingersOpen] = useState(false);
  const [eraseOpen, setEraseOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);

  const photo = useQuery({
    queryKey: ['photo', personId, 'full', purpose],
    queryFn: () => personPhotos([personId], 'full', purpose).then((m) => m.get(personId) ?? null),
  });
  const record = useQuery({
    queryKey: ['biometrics', personId, purpose],
    queryFn: () => personBiometrics(personId, purpose),
    enabled: session.can('biometrics.read'),
  });

  const refresh = () =>
    Promise.all([client.invalidateQueries({ queryKey: ['photo', personId] }), client.invalidateQueries({ queryKey: ['biometrics', personId] })]);

  async function saveFace(image: Blob) {
    setSaving(true);
    setError(null);
    try {
      const result = await enrolFace(personId, image);
      setEnrolment(result);
      setFaceOpen(false);
      await refresh();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  }

  const live = (record.data?.templates ?? []).filter((tp) => !tp.erasedAt);
  const face = live.find((tp) => tp.modality === 'face');
  const fingers = live.filter((tp) => tp.modality === 'fingerprint').sort((a, b) => (a.fingerPosition ?? 0) - (b.fingerPosition ?? 0));
  const missing = (record.data?.fingerExceptions ?? []).filter((e) => !e.endedAt);

  return (
    <Paper withBorder p="sm" radius="md" data-testid="biometrics-panel">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          {t('panel.title')}
        </Title>
        {session.can('biometrics.enrol') && (
          <Group gap="xs">
            <Button variant="light" onClick={() => setFaceOpen(true)} data-testid="add-face">
              {face ? t('panel.replaceFace') : t('panel.addFace')}
            </Button>
            <Button variant="light" onClick={() => setFingersOpen(true)} data-testid="add-fingerprint">
              {t('panel.addFingerprint')}
            </Button>
          </Group>
        )}
      </Group>

      {startCapture && session.can('biometrics.enrol') && !face && !enrolment && record.isSuccess && (
        <Alert color="indigo" variant="light" mb="sm" title={t('enrol.next')} data-testid="capture-next">
          <Group justify="space-between" gap="xs">
            <Text size="sm">{t('enrol.nextHint')}</Text>
            <Button onClick={() => setFaceOpen(true)} data-testid="capture-next-open">
              {t('panel.addFace')}
            </Button>
          </Group>
        </Alert>
      )}

      <Box style={{ display: 'flex', gap: 12, alignItems: 'flex-start', flexWrap: 'wrap' }}>
        <Box w={150} style={{ flexShrink: 0 }}>
          {photo.data ? (
            <Image src={photo.data} alt={t('photo.alt')} w={150} radius="sm" data-testid="person-photo" />
          ) : (
            <Box
              w={150}
              h={200}
              bg="gray.1"
              style={{ borderRadius: 4, display: 'flex', alignItems: 'center', justifyContent: 'center' }}
              data-testid="person-no-photo"
            >
              <Text size="xs" c="dimmed" ta="center" px={4}>
                {photo.isLoading ? '…' : t('photo.none')}
              </Text>
            </Box>
          )}
          {photo.data && session.can('biometrics.enrol') && (
            <Button size="compact-xs" variant="subtle" color="red" mt={4} onClick={() => setEraseOpen(true)} data-testid="erase-photo">
              {t('photo.erase')}
            </Button>
          )}
        </Box>

        <Stack gap={4} style={{ flex: 1, minWidth: 200 }}>
          {!session.can('biometrics.read') ? (
            <Text size="sm" c="dimmed">
              {t('panel.notYourRole')}
            </Text>
          ) : (
            <>
              <ApiErrorAlert error={record.error} title={t('panel.unreadable')} testId="biometrics-error" />
              <Table data-testid="biometrics-modalities" withRowBorders={false}>
                <Table.Tbody>
                  <Table.Tr>
                    <Table.Th w={110}>{t('modality.face')}</Table.Th>
                    <Table.Td data-testid="face-status">
                      {face ? (
                        <Badge color="teal" variant="light">
                          {t('panel.enrolled', { quality: Math.round(face.quality ?? 0), at: dateTime(face.createdAt) })}
                        </Badge>
                      ) : (
                        <Text size="sm" c="dimmed">
                          {t('panel.notEnrolled')}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>{t('modality.fingerprint')}</Table.Th>
                    <Table.Td data-testid="fingerprint-status">
                      {fingers.length === 0 && missing.length === 0 ? (
                        <Text size="sm" c="dimmed">
                          {t('panel.notEnrolled')}
                        </Text>
                      ) : (
                        <Group gap={4}>
                          {fingers.map((f) => (
                            <Badge key={f.id} color="teal" variant="light">
                              {t(`finger.${f.fingerPosition}`)} · {Math.round(f.quality ?? 0)}
                            </Badge>
                          ))}
                          {missing.map((m) => (
                            <Badge key={m.id} color={m.temporary ? 'yellow' : 'gray'} variant="light">
                              {t(`finger.${m.fingerPosition}`)} · {m.ansiCode} {t(`missing.${m.kind}`)}
                            </Badge>
                          ))}
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                </Table.Tbody>
              </Table>
            </>
          )}
        </Stack>
      </Box>

      {enrolment && (
        <Stack gap="xs" mt="sm">
          <Alert color="teal" variant="light" data-testid="enrolment-result" withCloseButton onClose={() => setEnrolment(null)}>
            {enrolment.template.modality === 'face'
              ? t('result.face', { quality: Math.round(enrolment.template.quality ?? 0) })
              : t('result.finger', { finger: t(`finger.${enrolment.template.fingerPosition}`), quality: Math.round(enrolment.template.quality ?? 0) })}
          </Alert>
          <DuplicateFound personId={personId} enrolment={enrolment} purpose={purpose} />
        </Stack>
      )}

      <Modal opened={faceOpen} onClose={() => setFaceOpen(false)} title={t('face.title')} size="lg" fullScreen={small}>
        {faceOpen && (
          <Stack gap="sm">
            <Text size="sm" c="dimmed">
              {t('face.explain')}
            </Text>
            <FaceCapture purpose="enrol" onAccept={(blob) => saveFace(blob)} acceptLabel={t('face.save')} busy={saving} />
            <ApiErrorAlert error={error} testId="enrol-face-error" />
          </Stack>
        )}
      </Modal>

      <Modal opened={fingersOpen} onClose={() => setFingersOpen(false)} title={t('fingers.title')} size="xl" fullScreen={small}>
        {fingersOpen && (
          <FingerprintCapture
            personId={personId}
            record={record.data ?? null}
            onChanged={async (result) => {
              if (result) setEnrolment(result);
              await refresh();
            }}
          />
        )}
      </Modal>

      <ErasePhoto personId={personId} opened={eraseOpen} onClose={() => setEraseOpen(false)} onErased={refresh} />
    </Paper>
  );
}

function ErasePhoto({ personId, opened, onClose, onErased }: { personId: string; opened: boolean; onClose: () => void; onErased: () => unknown }) {
  const { t } = useTranslation('biometrics');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function erase() {
    setBusy(true);
    setError(null);
    try {
      await erasePhoto(personId, reason.trim());
      await onErased();
      setReason('');
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal opened={opened} onClose={onClose} title={t('photo.eraseTitle')}>
      <Stack gap="sm">
        <Text size="sm">{t('photo.eraseExplain')}</Text>
        <Textarea label={t('photo.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} minRows={2} data-testid="erase-photo-reason" />
        <ApiErrorAlert error={error} testId="erase-photo-error" />
        <Group justify="flex-end">
          <Button color="red" onClick={() => void erase()} disabled={reason.trim().length < 3} loading={busy} data-testid="erase-photo-confirm">
            {t('photo.erase')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
