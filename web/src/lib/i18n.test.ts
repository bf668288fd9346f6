import { afterEach, describe, expect, it } from 'vitest';
import { changeLanguage, detectLanguage, i18n } from './i18n';

describe('language', () => {
  afterEach(() => window.localStorage.clear());

  it('follows the browser’s first preference between Portuguese and English', () => {
    expect(detectLanguage(['pt-PT', 'en'])).toBe('pt-BR');
    expect(detectLanguage(['de-DE', 'pt-BR'])).toBe('pt-BR');
    expect(detectLanguage(['en-GB', 'pt-BR'])).toBe('en');
    expect(detectLanguage(['fr-FR'])).toBe('en');
  });

  it('keeps the choice made with the switcher across visits', async () => {
    await changeLanguage('pt-BR');
    expect(detectLanguage(['en-US'])).toBe('pt-BR');
    expect(document.documentElement.lang).toBe('pt-BR');
    expect(i18n.t('status.cancelled')).toBe('Cancelado');
  });
});
