# graphmeet in a container: Node 20 on Debian slim, the package as `npm pack` makes it, run as the unprivileged
# `node` user with its data in the /data volume. Build: docker build -t graphmeet .
FROM node:20-bookworm-slim AS build
WORKDIR /src
# better-sqlite3 is compiled when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Only the compiler is needed here: the native module is built below, for the image, by the install of the package.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json README.md LICENSE ./
COPY bin ./bin
COPY src ./src
RUN npm run build && npm pack --ignore-scripts --silent && mv graphmeet-*.tgz /tmp/graphmeet.tgz
RUN mkdir /app && cd /app && npm init -y >/dev/null && npm install --omit=dev --no-audit --no-fund /tmp/graphmeet.tgz

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    GRAPHMEET_HOST=0.0.0.0 \
    GRAPHMEET_PORT=7878 \
    GRAPHMEET_DATA_DIR=/data \
    GRAPHMEET_LOG_FORMAT=json
COPY --from=build /app/node_modules /opt/graphmeet/node_modules
RUN ln -s /opt/graphmeet/node_modules/graphmeet/bin/graphmeet.js /usr/local/bin/graphmeet \
    && mkdir /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 7878
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:7878/_graphmeet/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["graphmeet"]
CMD ["serve"]
