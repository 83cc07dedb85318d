import { useState, type FormEvent } from 'react';
import { Alert, Box, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { api, ApiError } from '../lib/api';

/**
 * Shown instead of the app while the account has its one-time password (the first admin's): the server refuses every
 * other call until it is changed.
 */
export function ChangePasswordPage({ username, onChanged, onSignOut }: { username: string; onChanged: () => Promise<void> | void; onSignOut: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    if (next !== again) {
      setProblem('The two new passwords differ.');
      return;
    }
    setBusy(true);
    try {
      await api('/auth/password', { method: 'POST', body: { current, next } });
      await onChanged();
    } catch (err) {
      setProblem(
        err instanceof ApiError && err.status === 401
          ? 'The current password is wrong.'
          : err instanceof ApiError && err.status === 429
            ? 'Too many wrong attempts. Wait and try again.'
            : `Could not change the password: ${(err as Error).message}`,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" p="md" bg="gray.1">
      <Paper component="main" withBorder shadow="sm" p="xl" w={420} maw="100%" radius="md">
        <form onSubmit={submit} aria-label="Change password">
          <Stack>
            <Box>
              <Title order={1} size="h2">
                Choose your password
              </Title>
              <Text c="dimmed" size="sm">
                {username} signed in with a one-time password. Choose your own (at least 10 characters) to continue.
              </Text>
            </Box>
            {problem && (
              <Alert color="red" role="alert">
                {problem}
              </Alert>
            )}
            <PasswordInput
              label="One-time password"
              name="current"
              autoComplete="current-password"
              required
              value={current}
              onChange={(e) => setCurrent(e.currentTarget.value)}
            />
            <PasswordInput
              label="New password"
              name="next"
              autoComplete="new-password"
              required
              minLength={10}
              value={next}
              onChange={(e) => setNext(e.currentTarget.value)}
            />
            <PasswordInput
              label="New password again"
              name="again"
              autoComplete="new-password"
              required
              minLength={10}
              value={again}
              onChange={(e) => setAgain(e.currentTarget.value)}
            />
            <Button type="submit" loading={busy} size="md">
              Change password
            </Button>
            <Button variant="subtle" onClick={onSignOut}>
              Sign out
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
