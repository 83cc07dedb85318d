import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Box, Button, Group, Loader, Paper, ScrollArea, SegmentedControl, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../../lib/api';
import { dateTime, num } from '../../lib/format';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/Problems';
import type { HeatmapResponse } from '../../../../src/modules/guards/guards.heatmap.dto';
import { STATE_COLOR } from './guards.api';

type Heatmap = z.input<typeof HeatmapResponse>;
type Cell = Heatmap['rows'][number]['cells'][number];

/** `14` (a day's hourly column) or `20 Jan 12` (a week's six-hour column), in UTC like the alerts. */
function columnLabel(iso: string, range: 'day' | 'week', language: string): string {
  const d = new Date(iso);
  const hour = String(d.getUTCHours()).padStart(2, '0');
  if (range === 'day') return hour;
  const day = d.toLocaleDateString(language.startsWith('ar') ? 'ar-u-nu-latn' : 'en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return `${day} ${hour}`;
}

/**
 * The ratio heatmap: the governance state by facility and sector over a day (hourly) or a week (six-hour cells), each
 * cell coloured by its worst state and showing guards per 100 on the roll as text (the same figures as ratio-history).
 */
export default function GuardsHeatmapPage() {
  const { t, i18n } = useTranslation('guardalerts');
  const [range, setRange] = useState<'day' | 'week'>('day');
  const map = useQuery({
    queryKey: ['guards', 'heatmap', range],
    queryFn: () => api<Heatmap>(`/guards/ratio-heatmap?range=${range}`),
    refetchInterval: 30_000,
  });
  const facilities = new Set(map.data?.rows.map((r) => r.facilityId)).size;
  const sectors = map.data?.rows.filter((r) => r.sector).length ?? 0;
  const cellText = (c: Cell) => (c.guardsPer100 === null ? '–' : num(c.guardsPer100));
  const cellLabel = (label: string, column: string, c: Cell) =>
    c.state
      ? t('heatmap.cell', {
          where: label,
          at: dateTime(column),
          state: t(`state.${c.state}`),
          per100: cellText(c),
          present: num(c.present),
          onRoll: num(c.onRoll),
          manned: num(c.postsManned),
          required: num(c.postsRequired),
        })
      : t('heatmap.noFigures', { where: label, at: dateTime(column) });
  return (
    <Box data-testid="ratio-heatmap-page">
      <PageHeader
        title={t('heatmap.title')}
        description={t('heatmap.description')}
        actions={
          <Button component="a" href="/guards" variant="light">
            {t('heatmap.back')}
          </Button>
        }
      />
      <Group mt="md" justify="space-between">
        <SegmentedControl
          value={range}
          onChange={(v) => setRange(v as 'day' | 'week')}
          data={[
            { value: 'day', label: t('heatmap.day') },
            { value: 'week', label: t('heatmap.week') },
          ]}
          aria-label={t('heatmap.range')}
          data-testid="heatmap-range"
        />
        <Group gap="xs" aria-label={t('heatmap.legend')}>
          {(['ok', 'degraded', 'critical'] as const).map((s) => (
            <Group key={s} gap={4}>
              <Box w={14} h={14} style={{ background: `var(--mantine-color-${STATE_COLOR[s]}-6)`, borderRadius: 2 }} />
              <Text size="xs">{t(`state.${s}`)}</Text>
            </Group>
          ))}
        </Group>
      </Group>
      <ErrorNote error={map.error} what={t('heatmap.what')} />
      {map.isLoading && <Loader mt="md" />}
      {map.data && (
        <Paper withBorder p="sm" radius="md" mt="md">
          <Title order={2} size="h4" mb={4}>
            {t('heatmap.count', { count: facilities, sectors })}
          </Title>
          <Text size="xs" c="dimmed" mb="xs">
            {t('heatmap.span', { from: dateTime(map.data.from), to: dateTime(map.data.to), hours: map.data.bucketMinutes / 60 })}
          </Text>
          <ScrollArea type="auto">
            <Table
              data-testid="ratio-heatmap"
              withColumnBorders={false}
              verticalSpacing={2}
              horizontalSpacing={2}
              style={{ borderCollapse: 'separate', borderSpacing: 2 }}
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th style={{ minWidth: 90 }}>{t('heatmap.where')}</Table.Th>
                  {map.data.columns.map((c) => (
                    <Table.Th key={c} style={{ fontSize: 10, fontWeight: 400, textAlign: 'center', whiteSpace: 'nowrap' }}>
                      {columnLabel(c, range, i18n.language)}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {map.data.rows.map((r) => (
                  <Table.Tr key={`${r.facilityId}:${r.sector}`} data-testid="heatmap-row" data-facility={r.facilityCode} data-sector={r.sector}>
                    <Table.Th scope="row" style={{ fontWeight: r.sector ? 400 : 700, paddingInlineStart: r.sector ? 16 : 4, whiteSpace: 'nowrap' }}>
                      {r.sector ? t('heatmap.sector', { code: r.label }) : r.label}
                    </Table.Th>
                    {r.cells.map((c, i) => (
                      <Table.Td
                        key={map.data.columns[i]}
                        data-state={c.state ?? 'none'}
                        title={cellLabel(r.label, map.data.columns[i]!, c)}
                        aria-label={cellLabel(r.label, map.data.columns[i]!, c)}
                        style={{
                          minWidth: 34,
                          textAlign: 'center',
                          fontSize: 11,
                          color: c.state ? 'white' : undefined,
                          background: c.state ? `var(--mantine-color-${STATE_COLOR[c.state]}-7)` : 'var(--mantine-color-gray-1)',
                        }}
                      >
                        {cellText(c)}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
          <Text size="xs" c="dimmed" mt="xs">
            {t('heatmap.explain')}
          </Text>
        </Paper>
      )}
    </Box>
  );
}
