// Vite builds the dashboard into dist/ (served by the API at `/`). Workspace packages are read
// from their TypeScript sources (the "source" export condition), like the tests do.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  resolve: { conditions: ['source'] },
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022', chunkSizeWarningLimit: 600 },
  server: { proxy: { '/v1': 'http://127.0.0.1:8080' } },
});
