import { useCallback, useState } from 'react';
import { Alert as MAlert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { bidi, dateTime } from '../../lib/format';
import { useRecordPhotos } from './photos';
import { ProbeCapture } from './ProbeCapture';
import { VerificationResult } from './VerificationResult';
import { decideVerification, verifyPerson, type Probe, type Verification, type VerificationDecision } from './verify.api';

/**
 * "Verify identity" on a record: a face or fingerprint checked 1:1 against this person's templates. The score and its
 * threshold are shown with the verification's id; the officer then decides (confirmed or not), with a reason when the
 * decision goes against the score, and that decision is recorded.
 */
export function PersonVerify({ personId, purpose }: { personId: string; purpose: string }) {
  const { t } = useTranslation('verify');
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="lg" variant="light" color="indigo" onClick={() => setOpen(true)} data-testid="person-verify">
        {t('person.button')}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t('person.title')} size="lg">
        {open && <PersonVerifyFlow personId={personId} purpose={purpose} />}
      </Modal>
    </>
  );
}

function PersonVerifyFlow({ personId, purpose }: { personId: string; purpose: string }) {
  const { t } = useTranslation('verify');
  const [probe, setProbe] = useState<Probe | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<Verification | null>(null);
  const [reason, setReason] = useState('');
  const [decided, setDecided] = useState<VerificationDecision | null>(null);
  const onProbe = useCallback((p: Probe | null) => setProbe(p), []);
  // the record's photo beside the result, for the officer's comparison (an audited read, for the record's purpose)
  const photo = useRecordPhotos([personId], { purpose }).get(personId);

  async function run() {
    if (!probe) return;
    setBusy(true);
    setError(null);
    setResult(null);
    setDecided(null);
    try {
      setResult(await verifyPerson(personId, probe));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function decide(decision: VerificationDecision['decision']) {
    if (!result) return;
    setBusy(true);
    setError(null);
    try {
      setDecided(await decideVerification(result.id, decision, reason));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const overrules = (d: VerificationDecision['decision']) => !!result && (result.result === 'match') !== (d === 'confirmed');
  const reasonOk = reason.trim().length >= 3;

  return (
    <Stack>
      <ProbeCapture onProbe={onProbe} testId="verify-probe" />
      <Group justify="flex-end">
        <Button size="md" onClick={() => void run()} disabled={!probe} loading={busy && !result} data-testid="verify-run">
          {t('person.run')}
        </Button>
      </Group>
      <ApiErrorAlert error={error} title={t('notDone')} testId="verify-error" />
      {result && <VerificationResult v={result} photo={photo} />}
      {result && !decided && (
        <>
          <MAlert color="gray" variant="light">
            <Text size="sm">{t('person.decideHint')}</Text>
          </MAlert>
          <Textarea
            label={t('decision.reason')}
            description={t('decision.reasonHint')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            autosize
            minRows={2}
            maxLength={2000}
            dir="auto"
            ref={bidi('auto')}
            data-testid="verify-reason"
          />
          <Group justify="flex-end">
            <Button
              variant="light"
              color="orange"
              size="md"
              onClick={() => void decide('not_confirmed')}
              disabled={busy || (overrules('not_confirmed') && !reasonOk)}
              data-testid="verify-reject"
            >
              {t('decision.notConfirmed')}
            </Button>
            <Button
              color="teal"
              size="md"
              onClick={() => void decide('confirmed')}
              disabled={busy || (overrules('confirmed') && !reasonOk)}
              data-testid="verify-confirm"
            >
              {t('decision.confirmed')}
            </Button>
          </Group>
        </>
      )}
      {decided && (
        <MAlert color={decided.decision === 'confirmed' ? 'teal' : 'orange'} data-testid="verify-decided" data-decision={decided.decision}>
          <Text size="sm">
            {t(decided.decision === 'confirmed' ? 'decision.recordedConfirmed' : 'decision.recordedNotConfirmed', { by: decided.by, at: dateTime(decided.at) })}
            {decided.reason ? ` ${t('decision.because', { reason: decided.reason })}` : ''}
          </Text>
        </MAlert>
      )}
    </Stack>
  );
}
