import { Box, Group, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { dateTime } from '../../lib/format';
import { STATE_COLOR, type History } from './guards.api';

/**
 * The governance state over time as a strip of cells, one per hour (the worst state seen in that hour): the heatmap's
 * row of one facility. Hours without a recomputation carry the last state on.
 */
export function RatioStrip({ history, hours = 24 * 21, now }: { history: History['items']; hours?: number; now: string }) {
  const { t } = useTranslation('guards');
  const end = Date.parse(now);
  const start = end - hours * 3_600_000;
  const rank = { ok: 0, degraded: 1, critical: 2 } as Record<string, number>;
  const cells: { at: number; state: string | null; present: number | null; onRoll: number | null }[] = [];
  let i = 0;
  let last: History['items'][number] | null = null;
  const sorted = [...history].sort((a, b) => a.at.localeCompare(b.at));
  while (i < sorted.length && Date.parse(sorted[i]!.at) < start) last = sorted[i++]!;
  for (let h = start; h < end; h += 3_600_000) {
    let worst: History['items'][number] | null = last;
    while (i < sorted.length && Date.parse(sorted[i]!.at) < h + 3_600_000) {
      const e = sorted[i++]!;
      if (!worst || (rank[e.state] ?? 0) >= (rank[worst.state] ?? 0) || worst === last) worst = e;
      last = e;
    }
    cells.push({ at: h, state: worst?.state ?? null, present: worst?.present ?? null, onRoll: worst?.onRoll ?? null });
  }
  return (
    <Box>
      <Group gap={0} wrap="nowrap" style={{ overflowX: 'auto' }} data-testid="ratio-strip" aria-label={t('history.aria')}>
        {cells.map((c) => (
          <Tooltip
            key={c.at}
            label={
              c.state
                ? t('history.cell', { at: dateTime(new Date(c.at).toISOString()), state: t(`state.${c.state}`), present: c.present, onRoll: c.onRoll })
                : t('history.none')
            }
          >
            <Box
              data-state={c.state ?? 'none'}
              style={{
                flex: '0 0 auto',
                inlineSize: 4,
                blockSize: 28,
                background: c.state ? `var(--mantine-color-${STATE_COLOR[c.state]}-6)` : 'var(--mantine-color-gray-2)',
              }}
            />
          </Tooltip>
        ))}
      </Group>
      <Group justify="space-between" mt={4}>
        <Text size="xs" c="dimmed">
          {dateTime(new Date(start).toISOString())}
        </Text>
        <Text size="xs" c="dimmed">
          {dateTime(new Date(end).toISOString())}
        </Text>
      </Group>
    </Box>
  );
}
