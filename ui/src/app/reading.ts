// Which of an alert's texts a resident reads: pure, shared by the app's views and tested alone.
import type { AlertText } from '../bindings/AlertText';
import type { ResidentAlert } from '../bindings/ResidentAlert';

const primary = (tag: string) => tag.split('-')[0].toLowerCase();
const UI_LANGS = ['fr', 'en', 'it'];

/**
 * The languages a resident reads alerts in, most preferred first (as
 * `beffroi_domain::reading_langs`): the system's languages ranked above any
 * the interface speaks, then the interface language, then the other system
 * languages in order.
 */
export function readingLangs(ui: string, system: readonly string[]): string[] {
  let firstKnown = system.findIndex((l) => UI_LANGS.includes(primary(l)));
  if (firstKnown < 0) firstKnown = system.length;
  return [...system.slice(0, firstKnown), ui, ...system.slice(firstKnown)];
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
