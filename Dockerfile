# reportflow: built with every dependency, run with the production ones only.
# The build and start steps are the commands package.json and CI use (`npm ci`, whose `prepare`
# runs `npm run build`, and `node dist/server.js`); test/ops/dockerfile.test.ts checks them against package.json and
# runs this file's steps without Docker, so the two cannot drift apart.
#
#   docker build -t reportflow .
#   docker run -p 3000:3000 -e JWT_SECRET=... -e DATABASE_URL=postgres://... reportflow

# Node 24, the active LTS: pg-boss 12 asks for Node >= 22.12 (it also runs on 20, which the tests prove).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Dependencies in a layer of their own; npm's `prepare` (the build) waits for the sources below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json app.ts server.ts ./
COPY src ./src
COPY plugins ./plugins
COPY routes ./routes
COPY scripts ./scripts
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
# No build here (no TypeScript either): dist/ comes from the build stage.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Found at run time by walking up from dist/: the migrations, applied at start, and the web page.
COPY drizzle ./drizzle
# The migrated PGlite database a first start copies instead of running initdb (what `prepare` makes).
# Made by root, whose PostgreSQL files are 0600: the node user who copies it must be able to read them.
RUN node dist/scripts/pglite-seed.js && chmod -R a+rX node_modules/.cache/reportflow
COPY public ./public
# The embedded PGlite database (when DATABASE_URL is unset) lives here: mount a volume to keep it.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
# The slim image has no curl; Node has fetch built in.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `npm start` runs the same command, but npm would stand between the process and SIGTERM.
CMD ["node", "dist/server.js"]
