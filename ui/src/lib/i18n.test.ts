import { describe, expect, it } from 'vitest';
import { FILES, LANGS, Translator, bundleFor, messageIds, negotiate } from './i18n';

const SURFACES = ['app', 'console', 'web'] as const;
const FILE_NAMES = ['app', 'console', 'directory', 'reports', 'web'] as const;

describe('locales', () => {
  for (const file of FILE_NAMES) {
    it(`${file}.ftl: every language has exactly French's ids`, () => {
      const source = messageIds(FILES[`fr/${file}.ftl`]).sort();
      expect(source.length).toBeGreaterThan(5);
      for (const lang of LANGS) {
        expect(messageIds(FILES[`${lang}/${file}.ftl`]).sort(), `${lang}/${file}.ftl`).toEqual(source);
      }
    });
  }

  for (const surface of SURFACES) {
    it(`${surface}: every language's files parse together`, () => {
      for (const lang of LANGS) expect(() => bundleFor(lang, surface)).not.toThrow();
      expect(new Translator('it', surface).t('category-bakery')).toBe('Panetteria');
    });
  }

  it('formats plurals and variables per language', () => {
    expect(new Translator('fr', 'app').t('communes-count', { count: 51 })).toContain('51 communes');
    expect(new Translator('en', 'app').t('communes-count', { count: 1 })).toContain('1 commune');
    expect(new Translator('it', 'app').t('communes-count', { count: 51 })).toContain('51 comuni');
  });

  it('falls back to the id for unknown messages', () => {
    expect(new Translator('en', 'console').t('no-such-message')).toBe('no-such-message');
  });

  it('negotiates the language from browser preferences', () => {
    expect(negotiate(['it-IT', 'en'])).toBe('it');
    expect(negotiate(['de-DE'])).toBe('fr');
  });
});
