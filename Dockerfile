# StudySync: one image for API nodes, the worker and the migrate/seed jobs (only the
# command differs; see docker-compose.yml). Three stages:
#   build    npm ci (dev dependencies too), then `npm run build`: tsc compiles src/,
#            workers/, migrations/ and seeders/ to dist/, Vite builds web/ to web/dist/.
#   deps     production dependencies only (`npm ci --omit=dev`: no tsx, TypeScript,
#            Vite, Jest, Biome).
#   runtime  node:20-slim + those dependencies + dist/ + web/dist/, copied with
#            `--chown` (no `chown -R` layer), run as the non-root `node` user. Nothing
#            else of the repository: no sources, test/, bench/ or docs/.
# .dockerignore is an allowlist of what the build stage needs.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY --chown=node:node package.json ./
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/web/dist ./web/dist
# The embedded upload store's folder (STORAGE_DRIVER=disk; compose mounts a shared volume
# here, which takes this folder's owner when first created).
RUN mkdir -p /app/data/uploads && chown node:node /app/data /app/data/uploads
USER node
EXPOSE 3000
# node directly (not npm) as PID 1, so SIGTERM reaches the process and it drains.
# Source maps: stack traces in logs point at the TypeScript lines.
CMD ["node", "--enable-source-maps", "dist/src/bin/api.js"]
