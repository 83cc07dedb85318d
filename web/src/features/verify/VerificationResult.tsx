import { Badge, Group, Paper, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { dateTime } from '../../lib/format';
import type { Verification } from './verify.api';

const score = (n: number | null) => (n === null ? '–' : n.toFixed(n < 1 ? 3 : 1));

/** A recorded 1:1 verification: what the engine found (score against its threshold), with its id and who ran it. */
export function VerificationResult({ v, photo }: { v: Verification; photo?: string | null }) {
  const { t } = useTranslation('verify');
  const match = v.result === 'match';
  return (
    <Paper withBorder p="sm" radius="md" bg={match ? 'teal.0' : 'orange.0'} data-testid="verification-result" data-result={v.result}>
      <Group align="flex-start" wrap="nowrap" gap="sm">
        {photo && (
          <img
            src={photo}
            alt=""
            width={60}
            height={80}
            className="candidate-photo"
            style={{ width: 60, height: 80 }}
            data-testid="verification-record-photo"
          />
        )}
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Group gap="xs">
            <Badge size="lg" color={match ? 'teal' : 'orange'} variant="filled">
              {match ? t('result.match') : t('result.noMatch')}
            </Badge>
            <Text size="sm">{t(`modality.${v.modality}`)}</Text>
          </Group>
          <Text size="sm" data-testid="verification-score">
            {t('result.score', { score: score(v.score), threshold: score(v.threshold), fmr: v.targetFmr })}
          </Text>
          <Text size="sm">{match ? t('result.suggestsMatch') : t('result.suggestsNoMatch')}</Text>
          <Text size="xs" c="dimmed">
            {t('result.recorded', { at: dateTime(v.at), by: v.by })}{' '}
            <span className="mono" data-testid="verification-id" dir="ltr">
              {v.id}
            </span>
          </Text>
        </Stack>
      </Group>
    </Paper>
  );
}
