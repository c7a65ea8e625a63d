# syntax=docker/dockerfile:1
#
# Graphmind API image. The same image also runs the Upstash-compatible Redis
# REST proxy (`command: ["task", "redis-proxy"]` in docker-compose.yml).
#
#   docker build -t graphmind:local .
#   docker run --rm -p 8000:8000 -e DATABASE_URL=... -e SECRET_KEY=... graphmind:local
#
# The image defaults to ENVIRONMENT=production, which refuses to start without
# DATABASE_URL and SECRET_KEY instead of silently serving the permissive
# development profile. Pass -e ENVIRONMENT=development to try it without them.

# 2.9.1 is the newest denoland/deno release verified for this pin; any 2.9.x
# reads the deno.lock (v5) written by the developers' Deno 2.9.
ARG DENO_VERSION=2.9.1

# ---- deps: npm dependencies from deno.json + deno.lock, in their own layer ----
# This layer is rebuilt only when deno.json or deno.lock change.
FROM denoland/deno:${DENO_VERSION} AS deps
WORKDIR /app
COPY deno.json deno.lock ./
# --frozen fails the build when deno.lock is stale instead of re-resolving versions.
RUN deno install --frozen

# ---- runtime ----
FROM denoland/deno:${DENO_VERSION} AS runtime
ARG DENO_VERSION
LABEL org.opencontainers.image.title="Graphmind API" \
      org.opencontainers.image.description="GraphQL API for LangGraph agents with long-term memory" \
      dev.graphmind.deno-version="${DENO_VERSION}"

ENV DENO_DIR=/deno-dir \
    DENO_NO_UPDATE_CHECK=1 \
    DENO_NO_PROMPT=1 \
    ENVIRONMENT=production \
    HOST=0.0.0.0 \
    PORT=8000

# The code stays root-owned and read-only for the service; only .data/ (embedded
# PGlite files and memory backups, the one path `deno task start` may write) and
# the Deno cache belong to `app`.
RUN useradd --uid 10001 --user-group --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app \
    && mkdir -p /app/.data \
    && chown app:app /app/.data \
    && chmod 0750 /app/.data

WORKDIR /app
COPY --from=deps --chown=app:app /deno-dir/ /deno-dir/
# deno.json, deno.lock, and node_modules/ if deno.json ever enables nodeModulesDir.
COPY --from=deps /app/ /app/
# Only the runtime sources: tests, benchmarks, scripts and deploy files stay out
# (.dockerignore excludes them from the context as well). Add runtime assets
# that live outside src/ here explicitly.
COPY src/ ./src/

USER app
# Resolves both entry points' module graphs against the cache; fails the build if
# a module imports something deno.json + deno.lock do not provide.
RUN deno install --frozen --entrypoint src/main.ts src/redis_proxy/main.ts

EXPOSE 8000

# The image ships no curl or wget, so Deno itself probes /health. A refused
# connection throws, and an uncaught error exits 1: unhealthy.
HEALTHCHECK --interval=30s --timeout=30s --start-period=5s --retries=3 \
    CMD ["deno", "eval", "--no-config", "const port = Deno.env.get('PORT') || '8000'; const res = await fetch('http://127.0.0.1:' + port + '/health', { signal: AbortSignal.timeout(25000) }); await res.body?.cancel(); Deno.exit(res.ok ? 0 : 1);"]

# The base image's entrypoint (tini + docker-entrypoint.sh) prefixes `deno`;
# `deno task` forwards SIGTERM to the server for a graceful shutdown.
CMD ["task", "start"]
