import { Button, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { num } from '../../lib/format';

/** "a–b of N" with Previous / Next: every list of the administration screens says how many and reaches all of them. */
export function Pager({
  page,
  size,
  shown,
  total,
  onPage,
  testId,
}: {
  page: number;
  size: number;
  shown: number;
  total: number;
  onPage: (page: number) => void;
  testId: string;
}) {
  const { t } = useTranslation('admin');
  return (
    <Group justify="space-between" align="center" wrap="wrap" gap="sm">
      <Text size="sm" data-testid={`${testId}-count`}>
        {total === 0 ? t('pager.none') : t('pager.range', { from: num(page * size + 1), to: num(page * size + shown), total: num(total) })}
      </Text>
      <Group gap="xs">
        <Button size="xs" variant="default" disabled={page === 0} onClick={() => onPage(page - 1)} data-testid={`${testId}-prev`}>
          {t('pager.previous')}
        </Button>
        <Button size="xs" variant="default" disabled={(page + 1) * size >= total} onClick={() => onPage(page + 1)} data-testid={`${testId}-next`}>
          {t('pager.next')}
        </Button>
      </Group>
    </Group>
  );
}
