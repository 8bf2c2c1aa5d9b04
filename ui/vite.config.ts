/// <reference types="vitest/config" />
// One config, two front ends: `vite build --mode app` (the resident app, embedded
// by Tauri) and `vite build --mode console` (the town hall console, served by the
// server under /console/). Relative asset URLs work in both places.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig(({ mode }) => {
  const entry = mode === 'console' ? 'console' : 'app';
  return {
    root: here(`./${entry}`),
    base: './',
    plugins: [svelte({ configFile: here('./svelte.config.js') })],
    // Fluent files live in ../locales, shared with the Rust side.
    server: { fs: { allow: [here('..')] }, port: entry === 'console' ? 5174 : 5173 },
    build: {
      outDir: here(`./dist/${entry}`),
      emptyOutDir: true,
      target: 'es2022',
    },
    test: {
      root: here('.'),
      include: ['src/**/*.test.ts'],
    },
  };
});
