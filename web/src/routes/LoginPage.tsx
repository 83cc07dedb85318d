import { useState, type FormEvent } from 'react';
import { Alert, Box, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { api, ApiError, setBearer } from '../lib/api';

export function LoginPage({ onLoggedIn, error }: { onLoggedIn: () => Promise<void> | void; error: Error | null }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const session = await api<{ token: string; expiresAt: string }>('/auth/login', { method: 'POST', body: { username: username.trim(), password } });
      // A cookie that expires before the browser's now is dropped at once: fall back to the bearer token.
      setBearer(Date.parse(session.expiresAt) <= Date.now() + 60_000 ? session.token : null);
      await onLoggedIn();
    } catch (err) {
      setProblem(
        err instanceof ApiError && err.status === 401
          ? 'Wrong username or password.'
          : err instanceof ApiError && err.status === 429
            ? 'Too many attempts. Wait a minute and try again.'
            : `Could not sign in: ${(err as Error).message}`,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" p="md" bg="gray.1">
      <Paper component="main" withBorder shadow="sm" p="xl" w={400} maw="100%" radius="md">
        <form onSubmit={submit} aria-label="Sign in">
          <Stack>
            <Box>
              <Title order={1} size="h2">
                Custos
              </Title>
              <Text c="dimmed" size="sm">
                Digital custody: every person accounted for.
              </Text>
            </Box>
            {error && <Alert color="red">The server did not answer: {error.message}</Alert>}
            {problem && (
              <Alert color="red" role="alert">
                {problem}
              </Alert>
            )}
            <TextInput
              label="Username"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              required
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
              data-autofocus
              autoFocus
            />
            <PasswordInput
              label="Password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <Button type="submit" loading={busy} size="md">
              Sign in
            </Button>
            <Text size="xs" c="dimmed">
              Every read of a person record is recorded with its purpose.
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
