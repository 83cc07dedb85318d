import { Alert as MAlert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { bidi, num } from '../../lib/format';
import { Trans, useTranslation } from 'react-i18next';
import { ErrorNote } from '../../components/Problems';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { MIN_REASON, type CancelAction, type CloseAction } from './rollcalls.actions';
import type { SheetCounts } from './rollcalls.figures';

/** Before a close: what it will record (the absent and the not marked become unaccounted, with alerts). */
export function CloseRollcallDialog({ action, counts }: { action: CloseAction; counts: SheetCounts }) {
  const { t } = useTranslation('rollcalls');
  return (
    <Modal opened={action.closing} onClose={() => action.setClosing(false)} title={t('close.title')} size="md">
      <Stack>
        <Text>{t('close.counts', { expected: num(counts.expected), present: num(counts.present), excused: num(counts.excused) })}</Text>
        {counts.unmarked + counts.absent > 0 ? (
          <MAlert color="red">
            <Trans
              t={t}
              i18nKey="close.unaccounted"
              values={{ absent: num(counts.absent), unmarked: num(counts.unmarked), delta: num(counts.delta) }}
              components={{ b: <b /> }}
            />
          </MAlert>
        ) : (
          <MAlert color="teal">{t('close.everyone')}</MAlert>
        )}
        <ErrorNote error={action.error} what={t('close.what')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => action.setClosing(false)}>
            {t('close.keep')}
          </Button>
          <Button color="dark" onClick={() => void action.close()} data-testid="confirm-close">
            {t('close.now')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** A cancel needs a reason; once the roll call is no longer open (refused meanwhile) the dialog only explains. */
export function CancelRollcallDialog({ action, open }: { action: CancelAction; open: boolean }) {
  const { t } = useTranslation('rollcalls');
  return (
    <Modal opened={action.cancelling} onClose={action.dismiss} title={t('cancel.title')} size="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (open && action.reason.trim().length >= MIN_REASON && !action.busy) void action.cancel();
        }}
      >
        <Stack>
          <Text size="sm">{t('cancel.text')}</Text>
          <Textarea
            label={t('cancel.reason')}
            description={t('cancel.reasonHint', { n: MIN_REASON })}
            placeholder={t('cancel.reasonPlaceholder')}
            value={action.reason}
            onChange={(e) => action.setReason(e.currentTarget.value)}
            autosize
            minRows={2}
            maxLength={500}
            size="md"
            dir="auto"
            ref={bidi('auto')}
            data-autofocus
            data-testid="cancel-reason"
          />
          <ApiErrorAlert error={action.error} title={t('cancel.notCancelled')} testId="cancel-error" />
          <Group justify="flex-end">
            <Button variant="default" size="md" onClick={action.dismiss}>
              {open ? t('cancel.keep') : t('cancel.closeWindow')}
            </Button>
            {open && (
              <Button
                type="submit"
                color="red"
                size="md"
                loading={action.busy}
                disabled={action.reason.trim().length < MIN_REASON}
                data-testid="confirm-cancel"
              >
                {t('cancel.confirm')}
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
