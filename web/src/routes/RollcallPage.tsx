import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Alert as MAlert, Group, Loader, Paper, Stack, Text } from '@mantine/core';
import { api, type FacilityDetail } from '../lib/api';
import { useSession } from '../lib/session';
import { ErrorNote } from '../components/Problems';
import { useCancelRollcall, useCloseRollcall, useRollcallOutcome } from '../features/rollcalls/rollcalls.actions';
import { RollcallCounters } from '../features/rollcalls/rollcalls.counters';
import { CancelRollcallDialog, CloseRollcallDialog } from '../features/rollcalls/rollcalls.dialogs';
import { useSheetCounts, useSheetView } from '../features/rollcalls/rollcalls.figures';
import { RollcallFilters } from '../features/rollcalls/rollcalls.filters';
import { RollcallHeader } from '../features/rollcalls/rollcalls.header';
import { RollcallList } from '../features/rollcalls/rollcalls.list';
import { useMarkQueue } from '../features/rollcalls/rollcalls.marks';
import { CancelledNotice, SendErrorNotice } from '../features/rollcalls/rollcalls.notices';
import { RollcallResult } from '../features/rollcalls/rollcalls.result';
import { useSheet } from '../features/rollcalls/rollcalls.sheet';
import { TabletSyncStatus } from '../features/rollcalls/rollcalls.tablet';
import { RollcallVerifyDialog, type VerifyTarget } from '../features/verify/RollcallVerifyDialog';
import { useTranslation } from 'react-i18next';

/** The roll-call tablet: the expected list to mark, the live counts, and the close or cancel of the roll call. */
export default function RollcallPage({ id }: { id: string }) {
  const { t } = useTranslation('rollcalls');
  const session = useSession();
  const sheet = useSheet(id);
  const facilityId = sheet.detail?.facilityId;
  const facility = useQuery({ queryKey: ['facility', facilityId], queryFn: () => api<FacilityDetail>(`/facilities/${facilityId}`), enabled: !!facilityId });
  const unitCode = useMemo(() => new Map((facility.data?.units ?? []).map((u) => [u.id, u.code])), [facility.data]);
  const queue = useMarkQueue(id, sheet.rows);
  const outcome = useRollcallOutcome(sheet.detail);
  const closing = useCloseRollcall(id, queue, outcome);
  const cancelling = useCancelRollcall(id, queue, outcome);
  const counts = useSheetCounts(sheet, queue.marks);
  const view = useSheetView(sheet.rows, queue.marks);
  const [verifying, setVerifying] = useState<VerifyTarget | null>(null);

  const rows = sheet.rows;
  const detail = sheet.detail ?? undefined;
  if (sheet.error) return <ErrorNote error={sheet.error} what={t('page.what')} />;
  if (!detail)
    return (
      <Group gap="sm">
        <Loader size="sm" />
        <Text>{t('page.loading')}</Text>
      </Group>
    );
  const { result, cancelled } = outcome;
  const status = cancelled ? 'cancelled' : result ? 'closed' : detail.status;
  const open = status === 'open';
  const canMark = open && session.can('rollcall.run');

  return (
    <Stack gap="sm">
      <RollcallHeader
        detail={detail}
        facilityName={facility.data?.name}
        unitCode={unitCode}
        status={status}
        loaded={!sheet.complete && detail.persons ? rows.length : null}
        pendingCount={queue.pendingCount}
        canCancel={session.can('rollcall.run')}
        onCancel={cancelling.start}
        onClose={() => closing.setClosing(true)}
      />

      {open && <TabletSyncStatus pendingCount={queue.pendingCount} lastSentAt={queue.lastSentAt} sendError={queue.sendError} />}

      {cancelled && <CancelledNotice cancelled={cancelled} />}

      <RollcallCounters counts={counts} closedDelta={result ? result.delta : null} cancelled={!!cancelled} />

      {queue.sendError != null && <SendErrorNotice error={queue.sendError} />}

      {result && <RollcallResult result={result} rows={rows} unitCode={unitCode} />}

      {!detail.persons && <MAlert color="gray">{t('page.countsOnly')}</MAlert>}

      {detail.persons && (
        <Paper withBorder radius="md">
          <RollcallFilters view={view} unmarked={counts.unmarked} unitCode={unitCode} />
          <RollcallList
            rows={view.visible}
            marks={queue.marks}
            unitCode={unitCode}
            onMark={canMark ? queue.mark : undefined}
            onVerify={canMark && session.can('biometrics.read') ? (r) => setVerifying({ personId: r.personId, name: r.name }) : undefined}
          />
        </Paper>
      )}

      <RollcallVerifyDialog target={verifying} onClose={() => setVerifying(null)} onMark={queue.markWithEvidence} />
      <CloseRollcallDialog action={closing} counts={counts} />
      <CancelRollcallDialog action={cancelling} open={open} />
    </Stack>
  );
}
