import { Button } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** The staffing board's way to the handover form. */
export function HandoverLink() {
  const { t } = useTranslation('guardintegrity');
  return (
    <Button component="a" href="/guards/handover" variant="light" data-testid="handover-open">
      {t('handover.open')}
    </Button>
  );
}
