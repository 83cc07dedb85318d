import { Group, Paper, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * A titled card: the section frame of the overview and monitor views (title, an optional line under it, actions or a
 * badge on the right, then the content).
 */
export function Panel({
  title,
  description,
  aside,
  size = 'h5',
  testId,
  h,
  children,
}: {
  title: ReactNode;
  description?: ReactNode;
  aside?: ReactNode;
  size?: 'h4' | 'h5';
  testId?: string;
  h?: string;
  children?: ReactNode;
}) {
  return (
    <Paper withBorder p={size === 'h4' ? 'md' : 'sm'} radius="md" data-testid={testId} h={h}>
      <Group justify="space-between" align="flex-start" mb="xs" wrap="nowrap">
        <div>
          <Title order={2} size={size}>
            {title}
          </Title>
          {description && (
            <Text size="sm" c="dimmed">
              {description}
            </Text>
          )}
        </div>
        {aside}
      </Group>
      {children}
    </Paper>
  );
}
