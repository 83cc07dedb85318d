import { useState, type FormEvent } from 'react';
import { errorText } from '../i18n/errors';
import { Alert, Box, Button, Center, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, ApiError, setBearer } from '../lib/api';
import { LanguageSwitch } from '../i18n/LanguageSwitch';

export function LoginPage({ onLoggedIn, error }: { onLoggedIn: () => Promise<void> | void; error: Error | null }) {
  const { t } = useTranslation('auth');
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
          ? t('login.wrong')
          : err instanceof ApiError && err.status === 429
            ? t('login.tooMany')
            : t('login.failed', { message: errorText(err) }),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" p="md" bg="gray.1">
      <Paper component="main" withBorder shadow="sm" p="xl" w={400} maw="100%" radius="md">
        <form onSubmit={submit} aria-label={t('login.form')}>
          <Stack>
            <Group justify="space-between" align="flex-start" wrap="nowrap">
              <Box>
                <Title order={1} size="h2">
                  {t('appName')}
                </Title>
                <Text c="dimmed" size="sm">
                  {t('login.tagline')}
                </Text>
              </Box>
              <LanguageSwitch />
            </Group>
            {error && <Alert color="red">{t('login.noServer', { message: error.message })}</Alert>}
            {problem && (
              <Alert color="red" role="alert">
                {problem}
              </Alert>
            )}
            <TextInput
              label={t('login.username')}
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
              label={t('login.password')}
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <Button type="submit" loading={busy} size="md">
              {t('login.submit')}
            </Button>
            <Text size="xs" c="dimmed">
              {t('login.auditNote')}
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
