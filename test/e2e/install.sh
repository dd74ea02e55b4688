#!/usr/bin/env bash
# Installs what the end-to-end suite needs, once, into a cache folder outside the repo's
# dependencies: Debian's chromium (+ ripgrep, kerberos headers for code-server's native deps)
# and code-server 4.100.3 (VS Code 1.100.3, the newest that runs on Node 20) from npm, with
# the offline fixes listed in shared/vscode-e2e.md. Idempotent: a second call is instant.
set -euo pipefail
CACHE="${DISTILLERY_E2E_CACHE:-$HOME/.cache/distillery-e2e}"
CS_VERSION=4.100.3
mkdir -p "$CACHE"

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v rg >/dev/null || need_apt+=(ripgrep)
[ -e /usr/include/krb5.h ] || [ -e /usr/include/gssapi/gssapi.h ] || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "e2e: installing ${need_apt[*]} from Debian" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# `--browser-only`: the webview tests need Chromium but not code-server.
if [ "${1:-}" = "--browser-only" ]; then command -v chromium; exit 0; fi

CS_DIR="$CACHE/code-server-$CS_VERSION"
if [ ! -x "$CS_DIR/node_modules/.bin/code-server" ]; then
  echo "e2e: installing code-server $CS_VERSION into $CS_DIR (about 300 MB, 1-3 min)" >&2
  rm -rf "$CS_DIR.tmp" && mkdir -p "$CS_DIR.tmp"
  tmp="$CS_DIR.tmp/tmp" && mkdir -p "$tmp"
  # @vscode/ripgrep's postinstall downloads rg from GitHub: seed its cache with Debian's binary.
  rgcache="$tmp/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$rgcache/pack"
  cp "$(command -v rg)" "$rgcache/pack/rg"
  tar -czf "$rgcache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$rgcache/pack" rg
  nodedir="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  (
    cd "$CS_DIR.tmp"
    echo '{"name":"distillery-e2e-cache","private":true}' > package.json
    TMPDIR="$tmp" npm_config_unsafe_perm=true npm_config_yes=true npm_config_nodedir="$nodedir" \
      npm install --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION" >&2
  )
  rm -rf "$CS_DIR.tmp/tmp" "$CS_DIR"
  mv "$CS_DIR.tmp" "$CS_DIR"
fi
echo "$CS_DIR/node_modules/.bin/code-server"
