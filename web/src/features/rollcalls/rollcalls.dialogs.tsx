import { Alert as MAlert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { bidi, num } from '../../lib/format';
import { ErrorNote } from '../../components/Problems';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { MIN_REASON, type CancelAction, type CloseAction } from './rollcalls.actions';
import type { SheetCounts } from './rollcalls.figures';

/** Before a close: what it will record (the absent and the not marked become unaccounted, with alerts). */
export function CloseRollcallDialog({ action, counts }: { action: CloseAction; counts: SheetCounts }) {
  return (
    <Modal opened={action.closing} onClose={() => action.setClosing(false)} title="Close the roll call?" size="md">
      <Stack>
        <Text>
          {num(counts.expected)} expected, {num(counts.present)} present, {num(counts.excused)} excused.
        </Text>
        {counts.unmarked + counts.absent > 0 ? (
          <MAlert color="red">
            {num(counts.absent)} marked absent and {num(counts.unmarked)} not marked will be recorded as <b>unaccounted</b> in the custody ledger (Delta{' '}
            {num(counts.delta)}), and alerts will be raised.
          </MAlert>
        ) : (
          <MAlert color="teal">Everyone expected is present or excused: Delta 0.</MAlert>
        )}
        <ErrorNote error={action.error} what="the close" />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => action.setClosing(false)}>
            Keep counting
          </Button>
          <Button color="dark" onClick={() => void action.close()} data-testid="confirm-close">
            Close now
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** A cancel needs a reason; once the roll call is no longer open (refused meanwhile) the dialog only explains. */
export function CancelRollcallDialog({ action, open }: { action: CancelAction; open: boolean }) {
  return (
    <Modal opened={action.cancelling} onClose={action.dismiss} title="Cancel the roll call?" size="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (open && action.reason.trim().length >= MIN_REASON && !action.busy) void action.cancel();
        }}
      >
        <Stack>
          <Text size="sm">
            For a roll call opened by mistake (wrong units, wrong time). Nothing is computed: no Delta, nobody recorded unaccounted, no alerts. The marks taken
            so far stay as evidence, and the units can be counted again at once. To record the count, close it instead.
          </Text>
          <Textarea
            label="Reason"
            description={`Kept in the audit log (at least ${MIN_REASON} characters)`}
            placeholder="e.g. opened on the wrong block"
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
          <ApiErrorAlert error={action.error} title="Not cancelled" testId="cancel-error" />
          <Group justify="flex-end">
            <Button variant="default" size="md" onClick={action.dismiss}>
              {open ? 'Keep the roll call' : 'Close this window'}
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
                Cancel the roll call
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
