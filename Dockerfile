# Opora container image. Build: docker build -t opora .   Run with PostgreSQL: docker-compose.yml.
# Two stages: the first installs every dependency and compiles TypeScript; the second gets only
# the compiled app with its production dependencies and runs it as the unprivileged `node` user.

FROM node:24-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so this layer is reused while only the source changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 DATA_DIR=/data
WORKDIR /app
# The code stays owned by root (read-only for the app); only /data belongs to the app's user.
COPY --from=build /app /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
# The slim image has no curl: ask Node itself. /healthz answers while the process serves HTTP.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The same command as package.json's start script after its build step. SIGTERM (docker stop)
# makes Opora finish running requests and close the database before it exits.
CMD ["node", "dist/src/main.js"]
