import { Paper, SimpleGrid, Text } from '@mantine/core';
import { num } from '../../lib/format';
import type { SheetCounts } from './rollcalls.figures';
import { useTranslation } from 'react-i18next';

/** The live figures; the Delta is the close's once closed, and none for a cancelled roll call. */
export function RollcallCounters({ counts, closedDelta, cancelled }: { counts: SheetCounts; closedDelta: number | null; cancelled: boolean }) {
  const { t } = useTranslation('rollcalls');
  const delta = closedDelta ?? counts.delta;
  return (
    <SimpleGrid cols={{ base: 3, sm: 6 }} spacing="xs" data-testid="rollcall-counters">
      <Counter label={t('count.expected')} value={counts.expected} testId="count-expected" />
      <Counter label={t('count.present')} value={counts.present} color="teal.8" testId="count-present" />
      <Counter label={t('count.absent')} value={counts.absent} color={counts.absent ? 'red.8' : undefined} testId="count-absent" />
      <Counter label={t('count.excused')} value={counts.excused} color="blue.8" testId="count-excused" />
      <Counter label={t('count.unmarked')} value={counts.unmarked} testId="count-unmarked" />
      <Counter
        label={t('count.delta')}
        value={cancelled ? null : delta}
        color={cancelled ? 'dimmed' : delta > 0 ? 'red.8' : 'teal.8'}
        testId="count-delta"
        strong
      />
    </SimpleGrid>
  );
}

function Counter({ label, value, color, testId, strong }: { label: string; value: number | null; color?: string; testId: string; strong?: boolean }) {
  return (
    <Paper withBorder p="xs" radius="md" bg={strong ? 'gray.0' : undefined}>
      <Text size="xs" tt="uppercase" fw={700} c="dimmed">
        {label}
      </Text>
      <Text fz={28} fw={800} lh={1.1} className="num" c={color} data-testid={testId} aria-live={strong ? 'polite' : undefined}>
        {num(value)}
      </Text>
    </Paper>
  );
}
