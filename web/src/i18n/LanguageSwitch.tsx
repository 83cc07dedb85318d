import { useEffect } from 'react';
import { Select, useDirection } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type Me } from '../lib/api';
import { dirOf, i18next, isLanguage, LANGUAGE_NAMES, LANGUAGES, setLanguage } from '.';

/** Keeps Mantine's direction (portals, menus, drawers) in step with the language. */
export function DirectionSync() {
  const { i18n } = useTranslation();
  const { setDirection } = useDirection();
  useEffect(() => {
    setDirection(dirOf(i18n.language));
  }, [i18n.language, setDirection]);
  return null;
}

/** Applies the language kept on the account when /auth/me answers (at sign-in, on another device, after a reload). */
export function useAccountLanguage(locale: string | null | undefined): void {
  useEffect(() => {
    if (isLanguage(locale) && locale !== i18next.language) void setLanguage(locale);
  }, [locale]);
}

/** The language menu of the header; `onChosen` lets the caller keep the choice on the user. */
export function LanguageSwitch({ onChosen }: { onChosen?: (language: string) => void }) {
  const { t, i18n } = useTranslation('common');
  return (
    <Select
      size="xs"
      w={{ base: 92, sm: 110 }}
      style={{ flexShrink: 0 }}
      aria-label={t('language')}
      data-testid="language"
      allowDeselect={false}
      comboboxProps={{ withinPortal: true }}
      value={isLanguage(i18n.language) ? i18n.language : 'en'}
      data={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
      onChange={(value) => {
        if (!isLanguage(value)) return;
        void setLanguage(value).then(() => onChosen?.(value));
      }}
    />
  );
}

/** The switch of a signed-in user: the choice is kept on the account (PATCH /auth/me/preferences). */
export function AccountLanguageSwitch() {
  const qc = useQueryClient();
  return (
    <LanguageSwitch
      onChosen={(language) => {
        void api<{ locale: string }>('/auth/me/preferences', { method: 'PATCH', body: { locale: language } })
          .then(() => qc.setQueryData<Me | null>(['me'], (me) => (me ? { ...me, locale: language as Me['locale'] } : me)))
          // kept on this browser only when the server cannot be reached; the next choice tries again
          .catch(() => undefined);
      }}
    />
  );
}
