import { useCallback, useEffect, useState } from 'react';
import { Alert as MAlert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { Name } from '../../components/Name';
import { bidi } from '../../lib/format';
import type { EvidencedMark } from '../rollcalls/rollcalls.marks';
import { useRecordPhotos } from './photos';
import { ProbeCapture } from './ProbeCapture';
import { VerificationResult } from './VerificationResult';
import { decideVerification, verifyPerson, type Probe, type Verification } from './verify.api';

export interface VerifyTarget {
  personId: string;
  name: string | null;
}

/**
 * Verification on a roll-call row: a capture checked 1:1 against the person on the row. A match offers "present,
 * verified" (the mark carries the method and the verification id, which the server checks); a mismatch never marks
 * anyone by itself: the officer marks present by sight with a reason (the mark cites the failed verification) or
 * records that the identity was not confirmed.
 */
export function RollcallVerifyDialog({
  target,
  onClose,
  onMark,
}: {
  target: VerifyTarget | null;
  onClose(): void;
  onMark(personId: string, evidence: EvidencedMark): Promise<void>;
}) {
  const { t } = useTranslation('verify');
  return (
    <Modal opened={!!target} onClose={onClose} title={t('rollcall.title')} size="lg">
      {target && <Flow key={target.personId} target={target} onClose={onClose} onMark={onMark} />}
    </Modal>
  );
}

function Flow({ target, onClose, onMark }: { target: VerifyTarget; onClose(): void; onMark(personId: string, evidence: EvidencedMark): Promise<void> }) {
  const { t } = useTranslation('verify');
  const [probe, setProbe] = useState<Probe | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<Verification | null>(null);
  const [reason, setReason] = useState('');
  const [notConfirmed, setNotConfirmed] = useState(false);
  const onProbe = useCallback((p: Probe | null) => setProbe(p), []);
  // the record's photo beside the result, for the officer's comparison (an audited read, for custody operations)
  const photo = useRecordPhotos([target.personId], { purpose: 'custody_operations' }).get(target.personId);
  useEffect(() => setResult(null), [probe]);

  async function step(work: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const run = () =>
    step(async () => {
      if (probe) setResult(await verifyPerson(target.personId, probe));
    });
  const markVerified = () =>
    step(async () => {
      if (!result) return;
      await onMark(target.personId, { method: result.modality, verificationRef: result.id });
      onClose();
    });
  const markBySight = () =>
    step(async () => {
      if (!result) return;
      // the officer's decision against the score is recorded twice: on the verification (audit) and on the mark (note)
      await decideVerification(result.id, 'confirmed', reason);
      await onMark(target.personId, { method: 'visual', verificationRef: result.id, note: reason.trim() });
      onClose();
    });
  const reject = () =>
    step(async () => {
      if (!result) return;
      await decideVerification(result.id, 'not_confirmed', reason);
      setNotConfirmed(true);
    });

  const match = result?.result === 'match';
  const reasonOk = reason.trim().length >= 3;
  return (
    <Stack>
      <Text>
        {t('rollcall.who')}{' '}
        <Name fw={700} inherit>
          {target.name ?? target.personId.slice(0, 8)}
        </Name>
      </Text>
      <ProbeCapture onProbe={onProbe} testId="row-probe" />
      {!result && (
        <Group justify="flex-end">
          <Button variant="default" size="md" onClick={onClose}>
            {t('cancel')}
          </Button>
          <Button size="lg" onClick={() => void run()} disabled={!probe} loading={busy} data-testid="row-verify-run">
            {t('rollcall.run')}
          </Button>
        </Group>
      )}
      <ApiErrorAlert error={error} title={t('notDone')} testId="row-verify-error" />
      {result && <VerificationResult v={result} photo={photo} />}
      {result && !notConfirmed && (
        <>
          <Textarea
            label={t('decision.reason')}
            description={match ? t('rollcall.reasonIfReject') : t('rollcall.reasonIfSight')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            autosize
            minRows={2}
            maxLength={500}
            dir="auto"
            ref={bidi('auto')}
            data-testid="row-verify-reason"
          />
          <Group justify="flex-end" wrap="wrap">
            <Button
              variant="light"
              color="orange"
              size="md"
              onClick={() => void reject()}
              disabled={busy || (match && !reasonOk)}
              data-testid="row-verify-reject"
            >
              {t('decision.notConfirmed')}
            </Button>
            {match ? (
              <Button color="teal" size="lg" onClick={() => void markVerified()} loading={busy} data-testid="row-verify-present">
                {t('rollcall.presentVerified', { method: t(`modality.${result.modality}`) })}
              </Button>
            ) : (
              <Button color="teal" variant="light" size="lg" onClick={() => void markBySight()} disabled={busy || !reasonOk} data-testid="row-verify-sight">
                {t('rollcall.presentBySight')}
              </Button>
            )}
          </Group>
        </>
      )}
      {notConfirmed && (
        <MAlert color="orange" data-testid="row-verify-rejected">
          <Text size="sm">{t('rollcall.rejected')}</Text>
          <Group justify="flex-end" mt="xs">
            <Button size="md" variant="default" onClick={onClose}>
              {t('close')}
            </Button>
          </Group>
        </MAlert>
      )}
    </Stack>
  );
}
