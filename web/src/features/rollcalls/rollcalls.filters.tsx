import { Group, SegmentedControl, TextInput } from '@mantine/core';
import { num } from '../../lib/format';
import type { MarkFilter, SheetView } from './rollcalls.figures';

/** Above the list: by mark (not marked first), by unit when there are several, and a name to find. */
export function RollcallFilters({ view, unmarked, unitCode }: { view: SheetView; unmarked: number; unitCode: Map<string, string> }) {
  return (
    <Group p="xs" gap="xs" wrap="wrap">
      <SegmentedControl
        value={view.filter}
        onChange={(v) => view.setFilter(v as MarkFilter)}
        data={[
          { value: 'unmarked', label: `Not marked (${num(unmarked)})` },
          { value: 'all', label: 'All' },
          { value: 'absent', label: 'Absent' },
          { value: 'excused', label: 'Excused' },
          { value: 'present', label: 'Present' },
        ]}
        aria-label="Show"
        data-testid="rollcall-filter"
      />
      {view.units.length > 1 && (
        <SegmentedControl
          value={view.unitFilter}
          onChange={view.setUnitFilter}
          data={[{ value: 'all', label: 'All units' }, ...view.units.map((u) => ({ value: u, label: unitCode.get(u) ?? '–' }))]}
          aria-label="Unit"
        />
      )}
      <TextInput
        placeholder="Find a name"
        value={view.q}
        onChange={(e) => view.setQ(e.currentTarget.value)}
        aria-label="Find a name"
        dir="auto"
        style={{ flex: '1 1 180px' }}
      />
    </Group>
  );
}
