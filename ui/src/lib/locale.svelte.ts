// The current language as reactive state: templates calling `t()` re-render
// when the language changes.
import { LANGS, Translator, negotiate, type Args, type Lang, type Surface } from './i18n';

let surface: Surface = 'app';
const current = $state({ tr: new Translator('fr', 'app') });

export function initLocale(s: Surface, lang?: Lang): void {
  surface = s;
  setLang(lang ?? negotiate(navigator.languages));
}

export function setLang(lang: Lang): void {
  current.tr = new Translator(lang, surface);
  document.documentElement.lang = lang;
}

export function lang(): Lang {
  return current.tr.lang;
}

export function t(id: string, args?: Args): string {
  return current.tr.t(id, args);
}

/** A date and time in the current language, e.g. "23 novembre 2026 à 10:04". */
export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(current.tr.lang, { dateStyle: 'long', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

/**
 * A language's name for any BCP 47 tag: the interface's own words for its
 * three languages, the browser's (CLDR) for any other, else the tag itself.
 */
export function langName(tag: string): string {
  const ui = current.tr.lang;
  if ((LANGS as readonly string[]).includes(tag)) return t(`lang-${tag}`);
  try {
    return new Intl.DisplayNames([ui], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}
