import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { num } from '../../lib/format';

/** A close's biometric share: how many of the present were verified by face or fingerprint (the rest were seen). */
export function BiometricShare({ share, present }: { share: { face: number; fingerprint: number; total: number }; present: number }) {
  const { t } = useTranslation('verify');
  const pct = present > 0 ? Math.round((share.total / present) * 100) : 0;
  return (
    <Text size="sm" mb="xs" data-testid="result-biometric" data-total={share.total} data-face={share.face} data-fingerprint={share.fingerprint}>
      {t('share.line', { total: num(share.total), present: num(present), pct, face: num(share.face), fingerprint: num(share.fingerprint) })}
    </Text>
  );
}
