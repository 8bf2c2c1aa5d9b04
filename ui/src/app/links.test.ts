import { describe, expect, it } from 'vitest';
import { adviceId } from './links';

describe("an alert's link to an advice page", () => {
  const origin = 'https://mairie.example';
  it("opens the town hall's own page in the app", () => {
    expect(adviceId('https://mairie.example/advice/plan-familial', origin)).toBe('plan-familial');
    expect(adviceId('https://mairie.example/advice/plan-familial?lang=it', origin)).toBe('plan-familial');
  });
  it('leaves any other link to the browser', () => {
    for (const web of [
      'https://prefecture.example/advice/confinement',
      'http://mairie.example/advice/plan-familial',
      'https://mairie.example/advice/',
      'https://mairie.example/advice/Plan',
      'https://mairie.example/advice/a/b',
      'https://mairie.example/alerts/x',
      'javascript:alert(1)',
      'not a url',
      '',
    ]) {
      expect(adviceId(web, origin)).toBeNull();
    }
    expect(adviceId('https://mairie.example/advice/x', null)).toBeNull();
    expect(adviceId(null, origin)).toBeNull();
  });
});
