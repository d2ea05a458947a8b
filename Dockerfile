# syntax=docker/dockerfile:1
# Switchboard: the web workspace, then one static binary, then an image
# holding only that binary, run as a non-root user with the data folder
# as a volume. Build: docker build --build-arg VERSION=$(git describe --tags) -t switchboard .
# cmd/switchboard/container_test.go runs this file's go build line as it is.

FROM node:22-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
# The API contract the build generates the workspace's types from.
COPY internal/http/openapi.json /src/internal/http/openapi.json
RUN npm run build

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/web/dist ./web/dist
ARG VERSION=dev
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/switchboard ./cmd/switchboard
# The data folder, owned by the runtime user (distroless nonroot, 65532).
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/switchboard /usr/local/bin/switchboard
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV SWITCHBOARD_DATA=/data SWITCHBOARD_ADDR=:8080
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/switchboard", "healthcheck", "--url", "http://127.0.0.1:8080/readyz"]
ENTRYPOINT ["/usr/local/bin/switchboard"]
CMD ["serve"]
