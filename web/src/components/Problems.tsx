import { Alert, Stack, Text, Title } from '@mantine/core';
import { ApiError } from '../lib/api';

export function Forbidden() {
  return (
    <Stack>
      <Title order={1} size="h3">
        Not available to your role
      </Title>
      <Text>This screen is outside what your role and scope allow. The menu shows what you can open.</Text>
    </Stack>
  );
}

export function NotFound() {
  return (
    <Stack>
      <Title order={1} size="h3">
        Page not found
      </Title>
      <Text>There is no page at this address.</Text>
    </Stack>
  );
}

export function ErrorNote({ error, what }: { error: unknown; what?: string }) {
  if (!error) return null;
  const e = error as Error;
  const text =
    e instanceof ApiError && e.status === 403
      ? 'Outside your role or scope.'
      : e instanceof ApiError && e.status === 404
        ? 'Not found (or outside your scope).'
        : e.message;
  return (
    <Alert color="red" role="alert" title={what ? `Could not load ${what}` : 'Something went wrong'}>
      {text}
    </Alert>
  );
}
