import { describe, expect, it } from 'vitest';
import type { ResidentAlert } from '../bindings/ResidentAlert';
import { alertTexts, readingLangs } from './reading';

function alert(texts: [string, string, string?][]): ResidentAlert {
  return {
    message: {
      texts: texts.map(([lang, headline, audience]) => ({ lang, headline, description: '', ...(audience ? { audience } : {}) })),
    },
  } as unknown as ResidentAlert;
}

const headlines = (a: ResidentAlert, langs: string[]) => alertTexts(a, langs).map((t) => t.headline);

describe('the text a resident reads', () => {
  const storm = alert([
    ['de-DE', 'Unwetter'],
    ['pt-BR', 'Tempestade'],
    ['fr-FR', 'Orages'],
    ['zh-Hant', '雷暴'],
  ]);

  it('is in their language, else the same primary language, in order of preference', () => {
    expect(headlines(storm, ['pt-BR'])).toEqual(['Tempestade']);
    expect(headlines(storm, ['pt-PT'])).toEqual(['Tempestade']);
    expect(headlines(storm, ['zh-hant-TW'])).toEqual(['雷暴']);
    expect(headlines(storm, ['he', 'de-AT'])).toEqual(['Unwetter']);
  });

  it('falls back to French, then to the first language', () => {
    expect(headlines(storm, ['it'])).toEqual(['Orages']);
    expect(headlines(alert([['de', 'Unwetter'], ['he', 'סערה']]), ['it'])).toEqual(['Unwetter']);
  });

  it('has every block of that language, one per audience', () => {
    const schools = alert([['fr', 'Orages'], ['en', 'Storms'], ['fr', 'Écoles fermées', 'Écoles']]);
    expect(headlines(schools, ['fr'])).toEqual(['Orages', 'Écoles fermées']);
  });

  it('puts a system language the interface lacks before the chosen one only when it ranks first', () => {
    expect(readingLangs('en', ['de-DE', 'fr-FR', 'en-US'])).toEqual(['de-DE', 'en', 'fr-FR', 'en-US']);
    expect(readingLangs('en', ['fr-FR', 'de-DE'])).toEqual(['en', 'fr-FR', 'de-DE']);
    expect(readingLangs('fr', [])).toEqual(['fr']);
  });
});
