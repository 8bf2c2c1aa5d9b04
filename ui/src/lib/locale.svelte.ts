// The current language as reactive state: templates calling `t()` re-render
// when the language changes.
import { LANGS, Translator, negotiate, type Args, type Lang, type LocaleFiles, type Surface } from './i18n';

let surface: Surface = 'app';
let files: LocaleFiles = {};
const current = $state<{ tr: Translator | null }>({ tr: null });

/** The surface's own locale files, in French until `initLocale`: its entry point calls this before it mounts. */
export function useLocales(s: Surface, f: LocaleFiles): void {
  surface = s;
  files = f;
  current.tr = new Translator('fr', s, f);
}

/** The resident's or agent's language, else the browser's best. */
export function initLocale(lang?: Lang): void {
  setLang(lang ?? negotiate(navigator.languages));
}

export function setLang(lang: Lang): void {
  if (current.tr?.lang !== lang) current.tr = new Translator(lang, surface, files);
  document.documentElement.lang = lang;
}

export function lang(): Lang {
  return current.tr?.lang ?? 'fr';
}

export function t(id: string, args?: Args): string {
  if (current.tr) return current.tr.t(id, args);
  // An entry point that forgot `useLocales` shows ids: say so while developing.
  if (import.meta.env.DEV) console.warn(`t('${id}') before useLocales()`);
  return id;
}

/** A date and time in the current language, e.g. "23 novembre 2026 à 10:04". */
export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(lang(), { dateStyle: 'long', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

/**
 * A language's name for any BCP 47 tag: the interface's own words for its
 * three languages, the browser's (CLDR) for any other, else the tag itself.
 */
export function langName(tag: string): string {
  const ui = lang();
  if ((LANGS as readonly string[]).includes(tag)) return t(`lang-${tag}`);
  try {
    return new Intl.DisplayNames([ui], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}
