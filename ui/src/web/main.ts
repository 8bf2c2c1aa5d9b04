import { mount } from 'svelte';
import '../lib/base.css';
import { useLocales } from '../lib/locale.svelte';
import { FILES } from './locales';
import WebApp from './WebApp.svelte';

useLocales('web', FILES);
const target = document.getElementById('root');
if (!target) throw new Error('no #root element');
export default mount(WebApp, { target });

// The shell offline and alerts while the page is closed.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js', { type: 'module', scope: '/' }).catch((e: unknown) => console.warn('service worker', e));
  // The maps are loaded only when one is shown; once the worker runs, they
  // are fetched in the background so that they open offline too.
  void navigator.serviceWorker.ready.then(() =>
    setTimeout(() => {
      void Promise.all([
        import('../app/AlertsMap.svelte'),
        import('../app/DirectoryMap.svelte'),
        import('../app/PickMap.svelte'),
      ]).catch(() => {});
    }, 3000),
  );
}
