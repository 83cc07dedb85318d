import { Group, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** A page's title, the line that says what it shows, and its actions on the right (wrapping under on a tablet). */
export function PageHeader({ title, description, actions }: { title: ReactNode; description?: ReactNode; actions?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-end">
      <div>
        <Title order={1} size="h2">
          {title}
        </Title>
        {description && (
          <Text size="sm" c="dimmed">
            {description}
          </Text>
        )}
      </div>
      {actions}
    </Group>
  );
}
