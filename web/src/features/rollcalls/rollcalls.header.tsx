import { Badge, Button, Group, Text, Title } from '@mantine/core';
import { num, shortTime } from '../../lib/format';
import { Link } from '../../components/Link';
import { ROLLCALL_STATUS_COLOR, type RollcallDetail, type RollcallStatus } from './rollcalls.api';
import { useTranslation } from 'react-i18next';

/**
 * The roll call's title (facility, when opened, units, status) and, while it is open, how much of the list has loaded,
 * the marks still to send, and the buttons to cancel or close it.
 */
export function RollcallHeader({
  detail,
  facilityName,
  unitCode,
  status,
  loaded,
  pendingCount,
  canCancel,
  onCancel,
  onClose,
}: {
  detail: RollcallDetail;
  facilityName: string | undefined;
  unitCode: Map<string, string>;
  status: RollcallStatus;
  /** Rows loaded so far; null once the whole list is in (or the role sees no list). */
  loaded: number | null;
  pendingCount: number;
  canCancel: boolean;
  onCancel(): void;
  onClose(): void;
}) {
  const { t } = useTranslation('rollcalls');
  return (
    <Group justify="space-between" align="flex-end">
      <div>
        <Title order={1} size="h3">
          {t('header.title')} · {facilityName !== undefined ? <Link to={`/facilities/${detail.facilityId}`}>{facilityName}</Link> : '…'}
        </Title>
        <Text size="sm" c="dimmed">
          {t('header.opened', { time: shortTime(detail.openedAt) })} ·{' '}
          {detail.unitIds.length ? detail.unitIds.map((u) => unitCode.get(u) ?? '…').join(', ') : t('header.wholeFacility')} ·{' '}
          <Badge color={ROLLCALL_STATUS_COLOR[status] ?? 'gray'} size="sm" data-testid="rollcall-status">
            {t(`status.${status}`, { defaultValue: status })}
          </Badge>
        </Text>
      </div>
      {status === 'open' && (
        <Group gap="xs">
          {loaded !== null && (
            <Badge color="gray" size="lg" data-testid="sheet-loading">
              {t('header.loading', { loaded: num(loaded), expected: num(detail.expected) })}
            </Badge>
          )}
          {pendingCount > 0 && (
            <Badge color="yellow" size="lg" data-testid="pending-marks">
              {t('header.toSend', { n: num(pendingCount) })}
            </Badge>
          )}
          {canCancel && (
            <Button size="lg" color="red" variant="outline" onClick={onCancel} data-testid="cancel-rollcall">
              {t('header.cancel')}
            </Button>
          )}
          <Button size="lg" color="dark" onClick={onClose} data-testid="close-rollcall">
            {t('header.close')}
          </Button>
        </Group>
      )}
    </Group>
  );
}
