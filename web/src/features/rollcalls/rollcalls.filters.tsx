import { Group, SegmentedControl, TextInput } from '@mantine/core';
import { num } from '../../lib/format';
import type { MarkFilter, SheetView } from './rollcalls.figures';
import { useTranslation } from 'react-i18next';

/** Above the list: by mark (not marked first), by unit when there are several, and a name to find. */
export function RollcallFilters({ view, unmarked, unitCode }: { view: SheetView; unmarked: number; unitCode: Map<string, string> }) {
  const { t } = useTranslation('rollcalls');
  return (
    <Group p="xs" gap="xs" wrap="wrap">
      <SegmentedControl
        value={view.filter}
        onChange={(v) => view.setFilter(v as MarkFilter)}
        data={[
          { value: 'unmarked', label: t('filter.unmarked', { n: num(unmarked) }) },
          { value: 'all', label: t('filter.all') },
          { value: 'absent', label: t('count.absent') },
          { value: 'excused', label: t('count.excused') },
          { value: 'present', label: t('count.present') },
        ]}
        aria-label={t('filter.show')}
        data-testid="rollcall-filter"
      />
      {view.units.length > 1 && (
        <SegmentedControl
          value={view.unitFilter}
          onChange={view.setUnitFilter}
          data={[{ value: 'all', label: t('filter.allUnits') }, ...view.units.map((u) => ({ value: u, label: unitCode.get(u) ?? '–' }))]}
          aria-label={t('filter.unit')}
        />
      )}
      <TextInput
        placeholder={t('filter.findName')}
        value={view.q}
        onChange={(e) => view.setQ(e.currentTarget.value)}
        aria-label={t('filter.findName')}
        dir="auto"
        style={{ flex: '1 1 180px' }}
      />
    </Group>
  );
}
