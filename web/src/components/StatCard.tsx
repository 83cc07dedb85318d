import { Paper, Text } from '@mantine/core';
import type { ReactNode } from 'react';

export function StatCard({ label, value, hint, color, testId }: { label: string; value: ReactNode; hint?: ReactNode; color?: string; testId?: string }) {
  return (
    <Paper withBorder p="sm" radius="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} className="num" c={color} data-testid={testId}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed" data-testid={testId ? `${testId}-hint` : undefined}>
          {hint}
        </Text>
      )}
    </Paper>
  );
}
