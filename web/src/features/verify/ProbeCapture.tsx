import { useEffect, useState } from 'react';
import { Button, FileInput, Group, NumberInput, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Modality, Probe } from './verify.api';
import { FaceCapture } from '../biometrics/FaceCapture';

const FINGERS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
/** The API's limit on an image (IMAGE_MAX_BYTES): refused here first, with the reason. */
const MAX_BYTES = 10 * 1024 * 1024;

/**
 * The capture of a probe: a face from the device's camera (with FaceCapture's live guidance and the engine's verdict,
 * the default where the browser has a camera API) or from an image file, or a fingerprint scan from a file (a
 * scanner's PNG, TIFF or BMP), with the finger and the scan's resolution. Hands the probe up once it is complete.
 */
export function ProbeCapture({
  onProbe,
  fingerOptional = false,
  testId = 'probe',
}: {
  onProbe: (probe: Probe | null) => void;
  /** Identification searches every finger: the position is not asked for. */
  fingerOptional?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation('verify');
  const [modality, setModality] = useState<Modality>('face');
  const hasCamera = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;
  const [faceSource, setFaceSource] = useState<'camera' | 'file'>(hasCamera ? 'camera' : 'file');
  const [file, setFile] = useState<File | null>(null);
  const [taken, setTaken] = useState<Blob | null>(null);
  const fromCamera = modality === 'face' && faceSource === 'camera';
  const [finger, setFinger] = useState<string | null>(null);
  const [dpi, setDpi] = useState<number>(500);
  const tooBig = !!file && file.size > MAX_BYTES;

  useEffect(() => {
    if (fromCamera) return onProbe(taken ? { modality: 'face', image: taken } : null);
    if (!file || tooBig) return onProbe(null);
    onProbe({
      modality,
      image: file,
      fingerPosition: modality === 'fingerprint' && finger ? Number(finger) : undefined,
      dpi: modality === 'fingerprint' ? dpi : undefined,
    });
  }, [modality, file, finger, dpi, tooBig, onProbe, fromCamera, taken]);

  return (
    <Stack gap="xs">
      <SegmentedControl
        value={modality}
        onChange={(v) => setModality(v as Modality)}
        data={[
          { value: 'face', label: t('modality.face') },
          { value: 'fingerprint', label: t('modality.fingerprint') },
        ]}
        data-testid={`${testId}-modality`}
      />
      {modality === 'face' && hasCamera && (
        <SegmentedControl
          value={faceSource}
          onChange={(v) => setFaceSource(v as 'camera' | 'file')}
          aria-label={t('capture.source')}
          data={[
            { value: 'camera', label: t('capture.camera') },
            { value: 'file', label: t('capture.file') },
          ]}
          data-testid={`${testId}-source`}
        />
      )}
      {fromCamera ? (
        taken ? (
          <Group justify="space-between">
            <Text size="sm" data-testid={`${testId}-taken`}>
              {t('capture.taken', { size: Math.round(taken.size / 1024) })}
            </Text>
            <Button variant="subtle" size="xs" onClick={() => setTaken(null)} data-testid={`${testId}-retake`}>
              {t('capture.retake')}
            </Button>
          </Group>
        ) : (
          <FaceCapture purpose="probe" acceptLabel={t('capture.usePhoto')} onAccept={(image) => setTaken(image)} testId={`${testId}-camera`} />
        )
      ) : (
        <FileInput
          label={modality === 'face' ? t('capture.facePhoto') : t('capture.fingerprintScan')}
          description={modality === 'face' ? t('capture.faceHint') : t('capture.fingerprintHint')}
          placeholder={t('capture.choose')}
          accept={modality === 'face' ? 'image/jpeg,image/png,image/webp' : 'image/png,image/tiff,image/bmp,image/jpeg,.tif,.tiff,.bmp'}
          value={file}
          onChange={setFile}
          clearable
          size="md"
          error={tooBig ? t('capture.tooBig') : undefined}
          data-testid={`${testId}-file`}
        />
      )}
      {modality === 'fingerprint' && (
        <Group grow align="flex-start">
          <Select
            label={t('capture.finger')}
            description={fingerOptional ? t('capture.anyFinger') : t('capture.fingerHint')}
            data={FINGERS.map((n) => ({ value: String(n), label: t(`finger.${n}`) }))}
            value={finger}
            onChange={setFinger}
            clearable
            data-testid={`${testId}-finger`}
          />
          <NumberInput label={t('capture.dpi')} min={250} max={1000} step={1} value={dpi} onChange={(v) => setDpi(typeof v === 'number' ? v : 500)} />
        </Group>
      )}
      {file && !tooBig && (
        <Text size="xs" c="dimmed">
          {t('capture.ready', { name: file.name, size: Math.round(file.size / 1024) })}
        </Text>
      )}
    </Stack>
  );
}
