import { TextInput, type TextInputProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Digits typed or pasted in any grouping -> `yyyy-mm-dd` as far as they go (`200105` -> `2001-05`). */
export function isoDateTyping(raw: string): string {
  const d = raw.replace(/\D/g, '').slice(0, 8);
  return [d.slice(0, 4), d.slice(4, 6), d.slice(6, 8)].filter(Boolean).join('-');
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A day written as ISO `yyyy-mm-dd`, whatever the browser's locale: the native date input shows `mm/dd/yyyy` in an
 * American browser, which registrars here read the other way round (3 May, not 5 March).
 */
export function IsoDateInput({
  value,
  onValue,
  error,
  ...props
}: Omit<TextInputProps, 'value' | 'onChange' | 'type'> & { value: string; onValue: (v: string) => void }) {
  const { t } = useTranslation('common');
  const unfinished = value !== '' && !ISO_DAY.test(value);
  return (
    <TextInput
      {...props}
      type="text"
      inputMode="numeric"
      placeholder={t('isoDate.placeholder')}
      styles={{ input: { direction: 'ltr' } }}
      maxLength={10}
      autoComplete="off"
      value={value}
      onChange={(e) => onValue(isoDateTyping(e.currentTarget.value))}
      error={error ?? (unfinished ? t('isoDate.unfinished') : undefined)}
    />
  );
}
