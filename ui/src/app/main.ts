import { mount } from 'svelte';
import '../lib/base.css';
import App from './App.svelte';

const target = document.getElementById('root');
if (!target) throw new Error('no #root element');
export default mount(App, { target });
