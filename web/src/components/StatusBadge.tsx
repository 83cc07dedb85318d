import { Badge, type BadgeProps } from '@mantine/core';
import { STATUS_COLOR, statusLabel } from '../lib/format';

/**
 * A person's custody status. Mantine cuts a badge's label with an ellipsis when its cell is narrow ("IN CUSTO…"); a
 * status must always be read whole, so the badge keeps its full width and its cell makes room instead.
 */
export function StatusBadge({ status, ...props }: { status: string | null | undefined } & Omit<BadgeProps, 'color' | 'children'> & { 'data-testid'?: string }) {
  return (
    <Badge
      variant="light"
      color={STATUS_COLOR[status ?? ''] ?? 'gray'}
      {...props}
      styles={{ root: { maxWidth: 'none', flexShrink: 0, overflow: 'visible' }, label: { overflow: 'visible', textOverflow: 'clip' } }}
    >
      {statusLabel(status)}
    </Badge>
  );
}
