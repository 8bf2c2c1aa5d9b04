// Which of an alert's texts a resident reads: pure, shared by the app's views and tested alone.
import type { AlertText } from '../bindings/AlertText';
import type { ResidentAlert } from '../bindings/ResidentAlert';

const primary = (tag: string) => tag.split('-')[0].toLowerCase();
const UI_LANGS = ['fr', 'en', 'it'];

/**
 * The languages a resident reads alerts in, most preferred first (as
 * `beffroi_domain::reading_langs`): the system's languages the interface
 * lacks, then the interface language, then the other system languages.
 */
export function readingLangs(ui: string, system: readonly string[]): string[] {
  const others = system.filter((l) => !UI_LANGS.includes(primary(l)));
  const known = system.filter((l) => UI_LANGS.includes(primary(l)));
  return [...others, ui, ...known];
}

/**
 * What a resident reads of an alert (as `AlertMessage::texts_for`): every
 * block in the first of `langs` it has (same tag, else same primary
 * language), else French, else its first language; several blocks when it
 * has one per event or audience in that language.
 */
export function alertTexts(a: ResidentAlert, langs: readonly string[]): AlertText[] {
  const texts = a.message.texts;
  let chosen: string | undefined;
  for (const want of [...langs, 'fr']) {
    const hit =
      texts.find((x) => x.lang.toLowerCase() === want.toLowerCase()) ??
      texts.find((x) => primary(x.lang) === primary(want));
    if (hit) {
      chosen = hit.lang;
      break;
    }
  }
  chosen ??= texts[0]?.lang;
  return texts.filter((x) => x.lang === chosen);
}
