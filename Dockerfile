# StudySync: one image for API nodes, the worker and the migrate job (only the command
# differs; see docker-compose.yml). TypeScript runs through tsx (a runtime dependency),
# so the server needs no compile step.
FROM node:20-slim

WORKDIR /app

# Dependencies first, for layer caching (dev dependencies too: the web client, when
# present, is built with them; they are pruned below).
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# Source (.dockerignore keeps node_modules, dist and local files out).
COPY . .
RUN npm run --if-present build:web \
  && npm prune --omit=dev --no-audit --no-fund \
  && npm cache clean --force \
  && mkdir -p data/uploads \
  && chown -R node:node /app

ENV NODE_ENV=production \
    PORT=3000
USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "src/bin/api.ts"]
