import { defineConfig } from 'vite';

/**
 * The study-room client. `vite build web` writes web/dist, which every API node serves at `/`
 * (src/app.ts). `vite web` (dev server) proxies the API, /dev/token and the socket to a
 * local API node on :3000 so both run side by side while developing.
 */
const api = process.env.STUDYSYNC_API ?? 'http://localhost:3000';

export default defineConfig({
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: {
    proxy: {
      '/api': api,
      '/dev': api,
      '/socket.io': { target: api, ws: true },
    },
  },
});
