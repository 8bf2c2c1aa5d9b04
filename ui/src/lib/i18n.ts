// Fluent messages for the front ends, read from the same `locales/` files as
// the Rust side. French is the source language and the fallback.
import { FluentBundle, FluentResource, type FluentVariable } from '@fluent/bundle';

export const LANGS = ['fr', 'en', 'it'] as const;
export type Lang = (typeof LANGS)[number];
export type Surface = 'app' | 'console' | 'web';
/** The files each surface reads, its own first. */
export const FILES_OF: Record<Surface, string[]> = {
  app: ['app', 'directory', 'alerts', 'reports', 'measures', 'advice', 'aid'],
  console: ['console', 'directory', 'alerts', 'measures', 'advice', 'aid'],
  web: ['web', 'app', 'directory', 'alerts', 'reports', 'measures', 'advice', 'aid'],
};
export type Args = Record<string, FluentVariable>;
/** .ftl sources keyed by "lang/file.ftl". */
export type LocaleFiles = Record<string, string>;

/**
 * The files an `import.meta.glob(…, { query: '?raw', import: 'default',
 * eager: true })` of `locales/` gave, keyed by "lang/file.ftl". Each surface
 * globs only the files it reads (its `locales.ts`), so that its bundle does
 * not carry the others' texts (the console's and the server's errors).
 */
export function keyed(raw: Record<string, unknown>): LocaleFiles {
  return Object.fromEntries(Object.entries(raw).map(([path, src]) => [path.split('/').slice(-2).join('/'), String(src)]));
}

/** A label the town hall wrote in all three languages, in `lang` (French if empty). */
export function labelIn(l: { fr: string; en: string; it: string }, lang: string): string {
  return (lang === 'en' ? l.en : lang === 'it' ? l.it : l.fr) || l.fr;
}

export function isLang(x: unknown): x is Lang {
  return typeof x === 'string' && (LANGS as readonly string[]).includes(x);
}

/** Parses a surface's files into a bundle; throws with the file name on syntax errors. */
export function bundleFor(lang: Lang, surface: Surface, files: LocaleFiles): FluentBundle {
  // No bidi isolation marks: our three languages are left-to-right, and marks
  // around variables would break copying and text matching.
  const bundle = new FluentBundle(lang, { useIsolating: false });
  for (const file of FILES_OF[surface]) {
    const name = `${lang}/${file}.ftl`;
    const src = files[name];
    if (src === undefined) throw new Error(`missing locale file locales/${name}`);
    const errors = bundle.addResource(new FluentResource(src));
    if (errors.length > 0) throw new Error(`locales/${name}: ${errors.map(String).join('; ')}`);
  }
  return bundle;
}

/** Ids of the messages a file defines (comments and terms left out). */
export function messageIds(src: string): string[] {
  return [...src.matchAll(/^([a-z][a-z0-9-]*)\s*=/gm)].map((m) => m[1]);
}

export class Translator {
  readonly lang: Lang;
  private readonly primary: FluentBundle;
  private readonly fallback: FluentBundle;

  constructor(lang: Lang, surface: Surface, files: LocaleFiles) {
    this.lang = lang;
    this.primary = bundleFor(lang, surface, files);
    this.fallback = lang === 'fr' ? this.primary : bundleFor('fr', surface, files);
  }

  /** The message, or its id when no language has it (a test stops that shipping). */
  t(id: string, args?: Args): string {
    for (const bundle of [this.primary, this.fallback]) {
      const msg = bundle.getMessage(id);
      if (msg?.value) return bundle.formatPattern(msg.value, args);
    }
    return id;
  }
}

/** The best supported language for a list of preferences (e.g. navigator.languages). */
export function negotiate(preferred: readonly string[]): Lang {
  for (const p of preferred) {
    const primary = p.toLowerCase().split(/[-_]/)[0];
    if (isLang(primary)) return primary;
  }
  return 'fr';
}
