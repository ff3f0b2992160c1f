# syntax=docker/dockerfile:1.7
# One image for every service. SERVICES chooses what a container runs:
# "api" (the gateway), "mall.*", "sauce.*", … or "*" for everything in one
# process. The node runs compiled JavaScript: the build stage bundles its
# entry with esbuild (scripts/build.ts; esbuild comes with tsx, a production
# dependency), so a container starts without transpiling anything.
#
#   docker build -t seed:local .
#   docker run -e NATS_URL=nats://nats:4222 -e SERVICES=api -p 8080:8080 seed:local
#
# test/deploy/dockerfile.test.ts runs this file's build and run steps without
# a Docker engine (same commands, in a temporary folder).

ARG NODE_VERSION=24.21.0

# --- pnpm on the official Node image (versions pinned like scripts/run.mjs) ---
FROM node:${NODE_VERSION}-slim AS base
ARG PNPM_VERSION=10.34.9
ENV CI=true
RUN npm install --global --no-audit --no-fund --no-update-notifier pnpm@${PNPM_VERSION} \
  && pnpm config set store-dir /pnpm/store --global
WORKDIR /app

# --- production dependencies and sources -------------------------------------
FROM base AS build
# Only the lockfile decides what is fetched: this layer is rebuilt when
# dependencies change, not when code does.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
# Fixes applied to dependencies as they are installed (patchedDependencies).
COPY patches ./patches
RUN --mount=type=cache,id=seed-pnpm-store,target=/pnpm/store pnpm fetch --prod
COPY package.json tsconfig.base.json broker.config.ts ./
COPY scripts ./scripts
COPY packages ./packages
RUN --mount=type=cache,id=seed-pnpm-store,target=/pnpm/store pnpm install --offline --frozen-lockfile --prod
RUN node --import tsx scripts/build.ts

# --- runtime: no pnpm, no dev dependencies, not root --------------------------
FROM node:${NODE_VERSION}-slim AS runtime
ENV NODE_ENV=production \
    MALLOC_MMAP_THRESHOLD_=1048576 \
    HOST=0.0.0.0 \
    PORT=8080 \
    HEALTH_PORT=8080 \
    DATA_DIR=/data \
    LOG_FORMAT=json \
    SERVICES=*
WORKDIR /app
# The code belongs to root and is read-only for the process; only DATA_DIR
# (service-local LevelDB) is written.
COPY --from=build /app /app
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
# A node serves /health/* on PORT when it runs the gateway, on HEALTH_PORT
# otherwise (the same port unless overridden): either answering is alive.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "Promise.any([process.env.PORT, process.env.HEALTH_PORT].map((p) => fetch('http://127.0.0.1:' + p + '/health/live').then((r) => r.ok || Promise.reject()))).then(() => process.exit(0), () => process.exit(1))"]
# SIGTERM: readiness off, accepted requests finish, consumers drain, exit 0
# within SHUTDOWN_TIMEOUT_MS (scripts/lifecycle.ts).
STOPSIGNAL SIGTERM
# The flag and MALLOC_MMAP_THRESHOLD_ are those of every node (scripts/node-process.mjs):
# they keep an idle node's memory down (docs/PERFORMANCE.md, "Idle memory").
CMD ["node", "--max-semi-space-size=8", ".build/node.mjs"]
