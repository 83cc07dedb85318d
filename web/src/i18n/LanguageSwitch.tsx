import { useEffect } from 'react';
import { Select, useDirection } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { dirOf, isLanguage, LANGUAGE_NAMES, LANGUAGES, setLanguage } from '.';

/** Keeps Mantine's direction (portals, menus, drawers) in step with the language. */
export function DirectionSync() {
  const { i18n } = useTranslation();
  const { setDirection } = useDirection();
  useEffect(() => {
    setDirection(dirOf(i18n.language));
  }, [i18n.language, setDirection]);
  return null;
}

/** The language menu of the header; `onChosen` lets the caller keep the choice on the user. */
export function LanguageSwitch({ onChosen }: { onChosen?: (language: string) => void }) {
  const { t, i18n } = useTranslation('common');
  return (
    <Select
      size="xs"
      w={110}
      aria-label={t('language')}
      data-testid="language"
      allowDeselect={false}
      value={isLanguage(i18n.language) ? i18n.language : 'en'}
      data={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
      onChange={(value) => {
        if (!isLanguage(value)) return;
        void setLanguage(value).then(() => onChosen?.(value));
      }}
    />
  );
}
