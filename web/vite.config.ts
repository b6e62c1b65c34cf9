import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The dashboard: `npm run build:web` (scripts/build-web.ts) builds it into web/dist, which the API process
 * serves (src/server/routes/web-app.ts). `npx vite web` serves it with hot reload against a server on 8080.
 */
export default defineConfig({
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1200 },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
