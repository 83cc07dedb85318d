import { Alert, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../lib/api';
import { errorText } from '../i18n/errors';

export function Forbidden() {
  const { t } = useTranslation('layout');
  return (
    <Stack>
      <Title order={1} size="h3">
        {t('forbidden.title')}
      </Title>
      <Text>{t('forbidden.text')}</Text>
    </Stack>
  );
}

export function NotFound() {
  const { t } = useTranslation('layout');
  return (
    <Stack>
      <Title order={1} size="h3">
        {t('notFound.title')}
      </Title>
      <Text>{t('notFound.text')}</Text>
    </Stack>
  );
}

export function ErrorNote({ error, what }: { error: unknown; what?: string }) {
  const { t } = useTranslation('layout');
  if (!error) return null;
  const e = error as Error;
  const text =
    e instanceof ApiError && e.status === 403 ? t('error.forbidden') : e instanceof ApiError && e.status === 404 ? t('error.notFound') : errorText(e);
  return (
    <Alert color="red" role="alert" title={what ? t('error.couldNotLoad', { what }) : t('error.somethingWrong')}>
      {text}
    </Alert>
  );
}
