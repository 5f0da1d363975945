// Vite build of the dashboard's front end (served by dashboard/server, built on demand by dashboard/server/assets.ts).
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: { target: 'es2022', assetsInlineLimit: 0, reportCompressedSize: false },
});
