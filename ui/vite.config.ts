/// <reference types="vitest/config" />
// One config, three front ends: `vite build --mode app` (the resident app,
// embedded by Tauri), `vite build --mode console` (the town hall console, served
// by the server under /console/) and `vite build --mode web` (the resident web
// app, served by the server at /, with its service worker at /sw.js).
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig(({ mode }) => {
  const entry = mode === 'console' ? 'console' : mode === 'web' ? 'web' : 'app';
  const web = entry === 'web';
  return {
    root: here(`./${entry}`),
    // The web app lives at the server's root: its service worker and the
    // assets it caches are named from there.
    base: web ? '/' : './',
    plugins: [svelte({ configFile: here('./svelte.config.js') })],
    // The shared screens' Tauri calls are answered by the web app.
    resolve: web
      ? {
          alias: {
            '@tauri-apps/api/core': here('./src/web/shims/core.ts'),
            '@tauri-apps/plugin-clipboard-manager': here('./src/web/shims/clipboard.ts'),
            '@tauri-apps/plugin-opener': here('./src/web/shims/opener.ts'),
          },
        }
      : undefined,
    // Fluent files live in ../locales, shared with the Rust side.
    server: { fs: { allow: [here('..')] }, port: entry === 'console' ? 5174 : web ? 5175 : 5173 },
    build: {
      outDir: here(`./dist/${entry}`),
      emptyOutDir: true,
      target: 'es2022',
      rollupOptions: web
        ? {
            input: { index: here('./web/index.html'), sw: here('./src/web/sw.ts') },
            output: { entryFileNames: (c) => (c.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js') },
          }
        : undefined,
    },
    test: {
      root: here('.'),
      include: ['src/**/*.test.ts'],
    },
  };
});
