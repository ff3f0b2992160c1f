#!/usr/bin/env bash
# Puts Debian's current nats-server into .tools/nats-server/ and prints its
# path. It comes from Debian's testing suite: a Go program that runs on Debian
# 12 and later, where the stable releases carry older servers (Debian 12 has
# 2.9, Debian 13 has 2.10; see docs/DEPLOY.md, "Which nats-server"). apt
# checks the package against Debian's archive keys; nothing is installed
# system-wide. Needs root, apt-get and Debian's keyring: callers fall back to
# the distribution's own package when this fails.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.tools/nats-server"
bin="$dest/nats-server"
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
if [ ! -r "$keyring" ] || ! command -v apt-get >/dev/null; then
  echo "nats-server.sh: needs apt-get and Debian's archive keyring ($keyring)" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/unpacked"
echo "deb [signed-by=$keyring] http://deb.debian.org/debian testing main" >"$work/sources.list"
apt=(
  apt-get -qq
  -o "Dir::Etc::SourceList=$work/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$work/lists"
  -o "Dir::Cache::Archives=$work/archives"
  -o "APT::Sandbox::User=root"
)
"${apt[@]}" update >&2
(cd "$work" && "${apt[@]}" download nats-server >&2)
dpkg-deb -x "$work"/nats-server_*.deb "$work/unpacked"
mkdir -p "$dest"
install -m 0755 "$work/unpacked/usr/sbin/nats-server" "$bin.partial"
mv "$bin.partial" "$bin"
"$bin" --version >&2
echo "$bin"
