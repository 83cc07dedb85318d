import { useState } from 'react';
import { Badge, Button, FileInput, Group, NumberInput, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { dateTime } from '../../lib/format';
import {
  enrolFinger,
  FINGER_EXCEPTION_KINDS,
  FINGER_POSITIONS,
  IMAGE_MAX_BYTES,
  recordMissingFinger,
  withdrawMissingFinger,
  type Enrolment,
  type FingerExceptionKind,
  type PersonBiometrics,
} from './biometrics.api';

/**
 * Fingerprints from a scanner's image files, one finger position at a time (the 10 positions of ISO/IEC 19794-2 and
 * ANSI/NIST-ITL), PNG, TIFF, BMP or JPEG at the scan's resolution; and the fingers that cannot be printed, with the
 * codes of fingerprint systems (amputated XX, unable to print UP, bandaged UP for now), recorded with who and when.
 */
export function FingerprintCapture({
  personId,
  record,
  onChanged,
}: {
  personId: string;
  record: PersonBiometrics | null;
  onChanged: (enrolment: Enrolment | null) => unknown;
}) {
  const { t } = useTranslation('biometrics');
  const [position, setPosition] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [dpi, setDpi] = useState<number>(500);
  const [missingPosition, setMissingPosition] = useState<string | null>(null);
  const [kind, setKind] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [withdrawReason, setWithdrawReason] = useState('');

  const live = (record?.templates ?? []).filter((tp) => tp.modality === 'fingerprint' && !tp.erasedAt);
  const missing = (record?.fingerExceptions ?? []).filter((e) => !e.endedAt);
  const tooBig = !!file && file.size > IMAGE_MAX_BYTES;

  async function run(what: string, fn: () => Promise<Enrolment | null>) {
    setBusy(what);
    setError(null);
    try {
      const result = await fn();
      await onChanged(result);
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(null);
    }
  }

  return (
    <Stack gap="md">
      <Table data-testid="finger-table" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('fingers.position')}</Table.Th>
            <Table.Th>{t('fingers.status')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {FINGER_POSITIONS.map((n) => {
            const tpl = live.find((tp) => tp.fingerPosition === n);
            const miss = missing.find((m) => m.fingerPosition === n);
            return (
              <Table.Tr key={n} data-testid="finger-row" data-position={n}>
                <Table.Td>
                  {n}. {t(`finger.${n}`)}
                </Table.Td>
                <Table.Td>
                  {tpl && (
                    <Badge color="teal" variant="light">
                      {t('fingers.enrolled', { quality: Math.round(tpl.quality ?? 0) })}
                    </Badge>
                  )}
                  {miss && (
                    <Group gap={6}>
                      <Badge color={miss.temporary ? 'yellow' : 'gray'} variant="light">
                        {miss.ansiCode} · {t(`missing.${miss.kind}`)}
                      </Badge>
                      <Text size="xs" c="dimmed">
                        {t('fingers.recordedBy', { by: miss.createdBy ?? '–', at: dateTime(miss.createdAt) })}
                      </Text>
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        disabled={withdrawReason.trim().length < 3 || busy !== null}
                        onClick={() => void run(`withdraw-${n}`, async () => (await withdrawMissingFinger(personId, n, withdrawReason.trim()), null))}
                        data-testid="withdraw-missing"
                      >
                        {t('fingers.withdraw')}
                      </Button>
                    </Group>
                  )}
                  {!tpl && !miss && (
                    <Text size="sm" c="dimmed">
                      –
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      {missing.length > 0 && (
        <TextInput
          label={t('fingers.withdrawReason')}
          description={t('fingers.withdrawHint')}
          value={withdrawReason}
          onChange={(e) => setWithdrawReason(e.currentTarget.value)}
          data-testid="withdraw-reason"
        />
      )}

      <Paper withBorder p="sm" radius="md">
        <Title order={3} size="h5" mb="xs">
          {t('fingers.scanTitle')}
        </Title>
        <Stack gap="xs">
          <Group grow align="flex-start" wrap="wrap">
            <Select
              label={t('fingers.position')}
              data={FINGER_POSITIONS.map((n) => ({ value: String(n), label: `${n}. ${t(`finger.${n}`)}` }))}
              value={position}
              onChange={setPosition}
              data-testid="finger-position"
              comboboxProps={{ withinPortal: true }}
            />
            <NumberInput
              label={t('fingers.dpi')}
              min={250}
              max={1000}
              value={dpi}
              onChange={(v) => setDpi(typeof v === 'number' ? v : 500)}
              data-testid="finger-dpi"
            />
          </Group>
          <FileInput
            label={t('fingers.file')}
            description={t('fingers.fileHint')}
            placeholder={t('capture.choose')}
            accept="image/png,image/tiff,image/bmp,image/jpeg,.tif,.tiff,.bmp"
            value={file}
            onChange={setFile}
            clearable
            error={tooBig ? t('capture.tooBig') : undefined}
            data-testid="finger-file"
          />
          <Group justify="flex-end">
            <Button
              disabled={!position || !file || tooBig || busy !== null}
              loading={busy === 'enrol'}
              onClick={() =>
                void run('enrol', () => enrolFinger(personId, Number(position), file!, dpi)).then((ok) => {
                  if (ok) setFile(null);
                })
              }
              data-testid="finger-enrol"
            >
              {t('fingers.enrol')}
            </Button>
          </Group>
        </Stack>
      </Paper>

      <Paper withBorder p="sm" radius="md">
        <Title order={3} size="h5" mb="xs">
          {t('fingers.missingTitle')}
        </Title>
        <Stack gap="xs">
          <Group grow align="flex-start" wrap="wrap">
            <Select
              label={t('fingers.position')}
              data={FINGER_POSITIONS.map((n) => ({ value: String(n), label: `${n}. ${t(`finger.${n}`)}` }))}
              value={missingPosition}
              onChange={setMissingPosition}
              data-testid="missing-position"
              comboboxProps={{ withinPortal: true }}
            />
            <Select
              label={t('fingers.reason')}
              data={FINGER_EXCEPTION_KINDS.map((k) => ({ value: k, label: t(`missing.${k}Code`) }))}
              value={kind}
              onChange={setKind}
              data-testid="missing-kind"
              comboboxProps={{ withinPortal: true }}
            />
          </Group>
          <TextInput label={t('fingers.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} data-testid="missing-note" />
          <Group justify="flex-end">
            <Button
              variant="light"
              disabled={!missingPosition || !kind || busy !== null}
              loading={busy === 'missing'}
              onClick={() =>
                void run('missing', async () => (await recordMissingFinger(personId, Number(missingPosition), kind as FingerExceptionKind, note), null)).then(
                  (ok) => {
                    if (ok) setNote('');
                  },
                )
              }
              data-testid="missing-save"
            >
              {t('fingers.recordMissing')}
            </Button>
          </Group>
        </Stack>
      </Paper>
      <ApiErrorAlert error={error} testId="finger-error" />
    </Stack>
  );
}
