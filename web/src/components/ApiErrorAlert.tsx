import { Alert, List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../lib/api';
import { errorText } from '../i18n/errors';

/**
 * What the API said when it refused a change: its message, every issue it listed, and its code, next to the form
 * that sent it (the form keeps what was typed).
 */
export function ApiErrorAlert({ error, title, testId = 'form-error' }: { error: unknown; title?: string; testId?: string }) {
  const { t } = useTranslation('layout');
  if (!error) return null;
  const e = error as Error;
  const api = e instanceof ApiError ? e : null;
  const issues = (api?.details as { issues?: { path: string; message: string }[] } | undefined)?.issues ?? [];
  const message =
    api?.status === 403
      ? t('error.forbiddenWith', { message: errorText(api) })
      : api?.status === 0 || !api
        ? t('error.noAnswer', { message: e.message })
        : errorText(api);
  return (
    <Alert color="red" role="alert" title={title ?? t('error.notSaved')} data-testid={testId} data-code={api?.code}>
      <Text size="sm" data-testid={`${testId}-message`}>
        {message}
      </Text>
      {issues.length > 1 && (
        <List size="sm" mt={4}>
          {issues.map((i, k) => (
            <List.Item key={k}>
              {i.path ? <b>{i.path}: </b> : null}
              {i.message}
            </List.Item>
          ))}
        </List>
      )}
      {api && (
        <Text size="xs" c="dimmed" mt={4} className="mono">
          {api.status} {api.code}
        </Text>
      )}
    </Alert>
  );
}
