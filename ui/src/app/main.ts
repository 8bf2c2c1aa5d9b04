import { mount } from 'svelte';
import '../lib/base.css';
import { useLocales } from '../lib/locale.svelte';
import { FILES } from './locales';
import App from './App.svelte';

useLocales('app', FILES);
const target = document.getElementById('root');
if (!target) throw new Error('no #root element');
export default mount(App, { target });
