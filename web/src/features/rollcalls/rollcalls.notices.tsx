import { Alert as MAlert, Text } from '@mantine/core';
import { errorText } from '../../i18n/errors';
import { ApiError } from '../../lib/api';
import { dateTime } from '../../lib/format';
import { useSession } from '../../lib/session';
import type { Rollcall } from './rollcalls.api';
import { useTranslation } from 'react-i18next';

/** A cancelled roll call: when, by whom (you or another user) and why; nothing was computed. */
export function CancelledNotice({ cancelled }: { cancelled: NonNullable<Rollcall['cancelled']> }) {
  const { t } = useTranslation('rollcalls');
  const session = useSession();
  return (
    <MAlert color="orange" title={t('cancelled.title')} data-testid="rollcall-cancelled">
      <Text size="sm">
        {t('cancelled.by', {
          time: dateTime(cancelled.at),
          who: cancelled.by && cancelled.by === session.userId ? t('cancelled.you', { username: session.username }) : t('cancelled.another'),
        })}{' '}
        <Text span fw={600} data-testid="rollcall-cancel-reason" dir="auto">
          {cancelled.reason}
        </Text>
      </Text>
      <Text size="sm" mt={4}>
        {t('cancelled.nothing')}
      </Text>
    </MAlert>
  );
}

/** Marks that did not go: refused for good (mark them again), or kept on the tablet and sent again. */
export function SendErrorNotice({ error }: { error: unknown }) {
  const { t } = useTranslation('rollcalls');
  return (
    <MAlert color="orange" title={error instanceof ApiError && error.status < 500 && error.status !== 429 ? t('send.refused') : t('send.notSent')}>
      {errorText(error)}. {error instanceof ApiError && error.status < 500 && error.status !== 429 ? t('send.refusedHint') : t('send.notSentHint')}
    </MAlert>
  );
}
