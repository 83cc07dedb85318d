import { Alert as MAlert, Text } from '@mantine/core';
import { ApiError } from '../../lib/api';
import { dateTime } from '../../lib/format';
import { useSession } from '../../lib/session';
import type { Rollcall } from './rollcalls.api';

/** A cancelled roll call: when, by whom (you or another user) and why; nothing was computed. */
export function CancelledNotice({ cancelled }: { cancelled: NonNullable<Rollcall['cancelled']> }) {
  const session = useSession();
  return (
    <MAlert color="orange" title="Cancelled" data-testid="rollcall-cancelled">
      <Text size="sm">
        Cancelled {dateTime(cancelled.at)} by {cancelled.by && cancelled.by === session.userId ? `you (${session.username})` : 'another user'}:{' '}
        <Text span fw={600} data-testid="rollcall-cancel-reason" dir="auto">
          {cancelled.reason}
        </Text>
      </Text>
      <Text size="sm" mt={4}>
        No Delta was computed, nobody was recorded unaccounted and no alert was raised; the marks taken stay as evidence. The units can be counted again.
      </Text>
    </MAlert>
  );
}

/** Marks that did not go: refused for good (mark them again), or kept on the tablet and sent again. */
export function SendErrorNotice({ error }: { error: unknown }) {
  return (
    <MAlert
      color="orange"
      title={error instanceof ApiError && error.status < 500 && error.status !== 429 ? 'The server refused some marks' : 'Some marks were not sent yet'}
    >
      {(error as Error).message}.{' '}
      {error instanceof ApiError && error.status < 500 && error.status !== 429
        ? 'Those marks were not recorded: check the persons concerned and mark them again.'
        : 'They stay on this tablet and are sent again automatically.'}
    </MAlert>
  );
}
