import { describe, expect, it } from 'vitest';
import { FILES as APP } from '../app/locales';
import { FILES as CONSOLE } from '../console/locales';
import { FILES as WEB } from '../web/locales';
import { FILES_OF, LANGS, Translator, bundleFor, keyed, messageIds, negotiate } from './i18n';

// Every .ftl file: the surfaces each carry only theirs.
const FILES = keyed(import.meta.glob('../../../locales/*/*.ftl', { query: '?raw', import: 'default', eager: true }));
const SURFACES = { app: APP, console: CONSOLE, web: WEB } as const;
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

  for (const [surface, files] of Object.entries(SURFACES)) {
    const name = surface as keyof typeof SURFACES;
    it(`${surface}: every language's files parse together, and its glob takes no other file`, () => {
      for (const lang of LANGS) expect(() => bundleFor(lang, name, files)).not.toThrow();
      expect(new Translator('it', name, files).t('category-bakery')).toBe('Panetteria');
      // Its own files in the three languages, and nothing else (not the console's, not errors.ftl).
      expect(Object.keys(files).length).toBe(FILES_OF[name].length * LANGS.length);
    });
  }

  it('formats plurals and variables per language', () => {
    expect(new Translator('fr', 'app', APP).t('communes-count', { count: 51 })).toContain('51 communes');
    expect(new Translator('en', 'app', APP).t('communes-count', { count: 1 })).toContain('1 commune');
    expect(new Translator('it', 'app', APP).t('communes-count', { count: 51 })).toContain('51 comuni');
  });

  it('falls back to the id for unknown messages', () => {
    expect(new Translator('en', 'console', CONSOLE).t('no-such-message')).toBe('no-such-message');
  });

  it('negotiates the language from browser preferences', () => {
    expect(negotiate(['it-IT', 'en'])).toBe('it');
    expect(negotiate(['de-DE'])).toBe('fr');
  });
});
