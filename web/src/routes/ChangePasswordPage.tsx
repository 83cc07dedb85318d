import { useState, type FormEvent } from 'react';
import { errorText } from '../i18n/errors';
import { Alert, Box, Button, Center, Group, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../lib/api';
import { AccountLanguageSwitch } from '../i18n/LanguageSwitch';

/**
 * Shown instead of the app while the account has its one-time password (the first admin's): the server refuses every
 * other call until it is changed.
 */
export function ChangePasswordPage({ username, onChanged, onSignOut }: { username: string; onChanged: () => Promise<void> | void; onSignOut: () => void }) {
  const { t } = useTranslation('auth');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    if (next !== again) {
      setProblem(t('password.differ'));
      return;
    }
    setBusy(true);
    try {
      await api('/auth/password', { method: 'POST', body: { current, next } });
      await onChanged();
    } catch (err) {
      setProblem(
        err instanceof ApiError && err.status === 401
          ? t('password.wrong')
          : err instanceof ApiError && err.status === 429
            ? t('password.tooMany')
            : t('password.failed', { message: errorText(err) }),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" p="md" bg="gray.1">
      <Paper component="main" withBorder shadow="sm" p="xl" w={420} maw="100%" radius="md">
        <form onSubmit={submit} aria-label={t('password.form')}>
          <Stack>
            <Group justify="space-between" align="flex-start" wrap="nowrap">
              <Box>
                <Title order={1} size="h2">
                  {t('password.title')}
                </Title>
                <Text c="dimmed" size="sm">
                  {t('password.intro', { username })}
                </Text>
              </Box>
              <AccountLanguageSwitch />
            </Group>
            {problem && (
              <Alert color="red" role="alert">
                {problem}
              </Alert>
            )}
            <PasswordInput
              label={t('password.current')}
              name="current"
              autoComplete="current-password"
              required
              value={current}
              onChange={(e) => setCurrent(e.currentTarget.value)}
            />
            <PasswordInput
              label={t('password.next')}
              name="next"
              autoComplete="new-password"
              required
              minLength={10}
              value={next}
              onChange={(e) => setNext(e.currentTarget.value)}
            />
            <PasswordInput
              label={t('password.again')}
              name="again"
              autoComplete="new-password"
              required
              minLength={10}
              value={again}
              onChange={(e) => setAgain(e.currentTarget.value)}
            />
            <Button type="submit" loading={busy} size="md">
              {t('password.submit')}
            </Button>
            <Button variant="subtle" onClick={onSignOut}>
              {t('password.signOut')}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
