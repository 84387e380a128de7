# connectbot serve, as a container: a static binary on a distroless base,
# run as a user without privileges.
#
#   docker build -t connectbot .
#   docker run --rm -p 8080:8080 -e CONNECTBOT_WEBHOOK_SECRET=... \
#     -e CONNECTBOT_APP_ID=... -e CONNECTBOT_INSTALLATION_ID=... \
#     -e CONNECTBOT_APP_PRIVATE_KEY_FILE=/secrets/app.pem -v /path/to/secrets:/secrets:ro \
#     -e CONNECTBOT_REPOSITORY=owner/name connectbot

# Build: the Go of go.mod's toolchain line, no cgo, so the binary needs no libc.
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY cmd ./cmd
COPY internal ./internal
COPY schema ./schema
RUN CGO_ENABLED=0 GOFLAGS=-trimpath go build -ldflags="-s -w" -o /out/connectbot ./cmd/connectbot

# Run: CA certificates and /tmp (serve keeps its clones there), nothing else;
# the user "nonroot" (65532).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/connectbot /connectbot
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/connectbot"]
CMD ["serve", "--addr", "0.0.0.0:8080"]
