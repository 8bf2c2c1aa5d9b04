import { mount } from 'svelte';
import '../lib/base.css';
import Console from './Console.svelte';

const target = document.getElementById('root');
if (!target) throw new Error('no #root element');
export default mount(Console, { target });
