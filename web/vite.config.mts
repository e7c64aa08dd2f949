import { defineConfig } from 'vite';

/**
 * The study-room client. `vite build web` writes web/dist, which every API node serves at `/`
 * (src/app.ts). `vite web` (dev server) proxies the API, /dev/token and the socket to a
 * local API node on :3000 so both run side by side while developing.
 *
 * Production builds ship no source maps (they would publish the sources and weigh more
 * than the app); `vite build web --mode development` writes them for debugging a build.
 * Files in web/public (the icons) are copied to the root of web/dist as they are.
 */
const api = process.env.STUDYSYNC_API ?? 'http://localhost:3000';

export default defineConfig(({ mode }) => ({
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: mode === 'development' },
  server: {
    proxy: {
      '/api': api,
      '/dev': api,
      '/socket.io': { target: api, ws: true },
    },
  },
}));
