import { Group, Text } from '@mantine/core';
import { ApiError } from '../../lib/api';
import { num } from '../../lib/format';
import { useTranslation } from 'react-i18next';

const timeOf = (iso: string, language: string) =>
  new Date(iso).toLocaleTimeString(language.startsWith('ar') ? 'ar-u-nu-latn' : 'en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/**
 * What this tablet holds that the server has not acknowledged yet (kept in IndexedDB, sent on its own when the site
 * server answers), when a batch last went through, and whether the site server is unreachable right now.
 */
export function TabletSyncStatus({ pendingCount, lastSentAt, sendError }: { pendingCount: number; lastSentAt: string | null; sendError: unknown }) {
  const { t, i18n } = useTranslation('tablet');
  // a network failure (no answer at all), not a refusal: the marks wait on the tablet
  const unreachable = sendError != null && !(sendError instanceof ApiError);
  return (
    <Group gap="md" data-testid="tablet-sync" data-pending={pendingCount} data-unreachable={unreachable ? 'yes' : 'no'}>
      <Text size="sm" fw={pendingCount > 0 ? 600 : undefined} c={pendingCount > 0 ? 'yellow.9' : 'dimmed'} data-testid="tablet-pending">
        {pendingCount > 0 ? t('waiting', { count: pendingCount, n: num(pendingCount) }) : t('allSent')}
      </Text>
      <Text size="sm" c="dimmed" data-testid="tablet-last-sent">
        {lastSentAt ? t('lastSent', { time: timeOf(lastSentAt, i18n.language) }) : t('neverSent')}
      </Text>
      {unreachable && (
        <Text size="sm" c="orange.8" fw={600} data-testid="tablet-offline">
          {t('unreachable')}
        </Text>
      )}
    </Group>
  );
}
