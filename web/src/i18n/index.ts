/**
 * Translation setup (i18next + react-i18next). Every UI string goes through `t()` of a namespace; the resources are
 * the JSON files of `locales/<language>/<namespace>.json`, one namespace per feature or screen, so that features add
 * their strings without touching each other's files. English is the fallback and the default; Arabic turns the
 * layout right to left (see `dirOf`, applied to <html> and to Mantine's DirectionProvider in main.tsx).
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

export const LANGUAGES = ['en', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', ar: 'العربية' };

const STORAGE_KEY = 'custos.language';

export const dirOf = (language: string): 'rtl' | 'ltr' => (language.startsWith('ar') ? 'rtl' : 'ltr');

export const isLanguage = (value: unknown): value is Language => typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);

// Vite gathers every namespace file at build time: locales/en/common.json -> resources.en.common.
const files = import.meta.glob<Record<string, unknown>>('./locales/*/*.json', { eager: true, import: 'default' });
const resources: Record<string, Record<string, Record<string, unknown>>> = {};
for (const [path, strings] of Object.entries(files)) {
  const match = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path);
  if (!match) continue;
  const [, language, namespace] = match as unknown as [string, string, string];
  resources[language] ??= {};
  resources[language][namespace] = strings;
}

/**
 * Before sign-in: the last choice on this browser, else the browser's own language when it is Arabic, else English
 * (the user's own choice is kept on the server and applied when /auth/me answers).
 */
function initialLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isLanguage(stored)) return stored;
  } catch {
    // storage may be unavailable (private mode)
  }
  const preferred = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  return preferred[0]?.toLowerCase().startsWith('ar') ? 'ar' : 'en';
}

function applyToDocument(language: string) {
  document.documentElement.lang = language;
  document.documentElement.dir = dirOf(language);
}

void i18next.use(initReactI18next).init({
  resources,
  lng: initialLanguage(),
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  ns: Object.keys(resources.en ?? {}),
  defaultNS: 'common',
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});
applyToDocument(i18next.language);
i18next.on('languageChanged', (language) => {
  applyToDocument(language);
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // not remembered on this browser; the server keeps the user's choice
  }
});

export async function setLanguage(language: Language): Promise<void> {
  await i18next.changeLanguage(language);
}

export { i18next };
