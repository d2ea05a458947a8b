#!/usr/bin/env bash
# Starts or installs what the test suite needs when it is missing:
# PostgreSQL (127.0.0.1:5432, trust auth, database "test"), NATS with
# JetStream (127.0.0.1:4222), Debian's Chromium for the browser tests and
# sipp (package sip-tester) as the far end of the SIP trunk tests, baresip
# (package baresip-core, an independent SIP user agent) as a caller that
# holds, resumes and refreshes its calls, swaks (an independent SMTP
# client) for the inbound email tests, and an
# S3-compatible object store for the blob store tests: versitygw (Apache
# 2.0, Go) at a pinned version, built with `go install` into a cache folder
# outside the checkout (so fresh clones reuse it),
# serving a folder under /var/lib on 127.0.0.1:7070 with the tests' keys.
# Safe to run repeatedly; fails loudly when something cannot be provided.
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

wait_port() {
  for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 0.5; done
  echo "ensure-services: nothing listens on 127.0.0.1:$1 after 30 s" >&2
  return 1
}

apt_install() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1 || {
    as_root apt-get update -qq >/dev/null 2>&1
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null
  }
}

if ! port_open 5432; then
  echo "ensure-services: starting PostgreSQL"
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  wait_port 5432
fi
# The tests use database "test" as user postgres over TCP with trust auth.
if command -v psql >/dev/null && ! psql -h 127.0.0.1 -U postgres -d test -Atc 'select 1' >/dev/null 2>&1; then
  psql -h 127.0.0.1 -U postgres -d postgres -c 'create database test' >/dev/null 2>&1 || true
fi

if ! port_open 4222; then
  echo "ensure-services: starting NATS"
  command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || apt_install nats-server
  as_root mkdir -p /var/lib/nats-server
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  wait_port 4222
fi

if [ -f web/package.json ] && [ ! -x /usr/bin/chromium ]; then
  echo "ensure-services: installing Debian's chromium for the browser tests"
  apt_install chromium
fi

if ! command -v sipp >/dev/null; then
  echo "ensure-services: installing sipp (Debian sip-tester) for the SIP trunk tests"
  apt_install sip-tester
fi

if ! command -v baresip >/dev/null; then
  echo "ensure-services: installing baresip (Debian baresip-core) for the SIP dialog tests"
  apt_install baresip-core
fi

if ! command -v swaks >/dev/null; then
  echo "ensure-services: installing swaks for the inbound SMTP tests"
  apt_install swaks
fi

if ! command -v systemd-analyze >/dev/null; then
  echo "ensure-services: installing systemd (systemd-analyze checks deploy/switchboard.service)"
  apt_install systemd
fi

VERSITYGW_VERSION=v1.8.0
S3_DIR=/var/lib/switchboard-test-s3
if ! port_open 7070; then
  echo "ensure-services: starting versitygw (S3-compatible store) on 127.0.0.1:7070"
  tools="${XDG_CACHE_HOME:-$HOME/.cache}/switchboard/tools"
  mkdir -p "$tools"
  # go install leaves no version in the binary: a stamp file records it.
  if [ ! -x "$tools/versitygw" ] || [ "$(cat "$tools/versitygw.version" 2>/dev/null)" != "$VERSITYGW_VERSION" ]; then
    echo "ensure-services: building versitygw $VERSITYGW_VERSION (several minutes, once)"
    GOBIN="$tools" go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
    echo "$VERSITYGW_VERSION" > "$tools/versitygw.version"
  fi
  as_root mkdir -p "$S3_DIR/data"
  # The keys are the tests' own (internal/blob/s3_test.go), not secrets.
  as_root start-stop-daemon --start --oknodo --background --exec "$tools/versitygw" -- \
    --port 127.0.0.1:7070 --access switchboard --secret switchboard-test-secret --quiet posix "$S3_DIR/data"
  wait_port 7070
fi

command -v npm >/dev/null || { echo "ensure-services: npm is required to build the web workspace" >&2; exit 1; }
# Twilio's official helper library for the webhook signature test
# (internal/http TestTwilioSignaturesOfficialLibrary), test-only.
twilio_npm="$(cd "$(dirname "$0")/.." && pwd)/internal/channel/twilio/testdata/npm"
if [ ! -d "$twilio_npm/node_modules/twilio" ]; then
  echo "ensure-services: installing the twilio npm package for the signature test"
  (cd "$twilio_npm" && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "ensure-services: PostgreSQL, NATS$( [ -x /usr/bin/chromium ] && echo ', Chromium'), sipp, baresip, swaks, versitygw ready"
