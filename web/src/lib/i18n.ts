import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from '../locales/en.json';
import ptBR from '../locales/pt-BR.json';
import { readStored, writeStored } from './storage';

export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'pt-BR', label: 'Português' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

const KEY = 'pedidos.language';

const isLanguage = (value: unknown): value is Language => LANGUAGES.some((l) => l.code === value);

/** The saved choice, else the browser's first preference between Portuguese and English. */
export function detectLanguage(preferred: readonly string[] = navigator.languages ?? [navigator.language]): Language {
  const saved = readStored(KEY);
  if (isLanguage(saved)) return saved;
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('pt')) return 'pt-BR';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, 'pt-BR': { translation: ptBR } },
  lng: detectLanguage(),
  fallbackLng: 'en',
  supportedLngs: LANGUAGES.map((l) => l.code),
  interpolation: { escapeValue: false },
  initAsync: false,
  react: { useSuspense: false },
});

const syncDocument = (language: string) => {
  document.documentElement.lang = language;
};
syncDocument(i18n.language);
i18n.on('languageChanged', syncDocument);

export async function changeLanguage(language: Language): Promise<void> {
  writeStored(KEY, language);
  await i18n.changeLanguage(language);
}

/** Intl wants a region for English money and dates; pt-BR already has one. */
export const intlLocale = (language: string) => (language === 'pt-BR' ? 'pt-BR' : 'en-US');
