# connectbot serve, as a container: a static binary on a distroless base,
# run as a user without privileges. Base images are named in full (registry,
# repository, exact tag), as buildah and podman require; Dependabot
# (.github/dependabot.yml) proposes their updates. The release workflow
# builds this image on GitHub's runners.
#
#   docker build -t connectbot .
#   docker run --rm -p 8080:8080 \
#     -e CONNECTBOT_WEBHOOK_SECRET_FILE=/secrets/webhook-secret \
#     -e CONNECTBOT_APP_PRIVATE_KEY_FILE=/secrets/private-key.pem \
#     -e CONNECTBOT_APP_ID=... -e CONNECTBOT_INSTALLATION_ID=... \
#     -e CONNECTBOT_REPOSITORY=owner/name \
#     -v "$PWD/connectbot-app:/secrets:ro" connectbot
#
# `go test ./cmd/connectbot -run Dockerfile` checks these properties and
# builds the binary with the build stage's own command.

# Build: the Go of go.mod's toolchain line, no cgo (the binary needs no
# libc), no paths of this machine in the binary, no symbol tables.
FROM docker.io/library/golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY cmd ./cmd
COPY internal ./internal
COPY schema ./schema
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/connectbot ./cmd/connectbot

# Run: CA certificates and /tmp (serve keeps its clones there), nothing
# else; the user nonroot, by number (65532), so that Kubernetes can check
# runAsNonRoot.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/connectbot /connectbot
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/connectbot"]
CMD ["serve", "--addr", "0.0.0.0:8080"]
