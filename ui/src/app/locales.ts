// The locale files this surface reads (FILES_OF in lib/i18n.ts), and only
// those, so that its bundle carries no other surface's texts.
import { keyed } from '../lib/i18n';

export const FILES = keyed(
  import.meta.glob('../../../locales/*/{app,directory,alerts,reports,measures,advice,aid}.ftl', { query: '?raw', import: 'default', eager: true }),
);
