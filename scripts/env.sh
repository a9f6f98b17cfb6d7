# Sourced by the other scripts: paths and versions in one place.
# shellcheck shell=bash
PODIUM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PODIUM_ROOT
TRUNK_VERSION=0.21.14
# The npm tools' versions, as pinned in scripts/tools/package.json (setup checks them).
BINARYEN_VERSION=132
TERSER_VERSION=5.51.4
MLFLOW_VERSION=3.17.2
# The wasm-bindgen-cli must be exactly the wasm-bindgen in Cargo.lock.
WASM_BINDGEN_VERSION="$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p;}' "$PODIUM_ROOT/Cargo.lock")"
export PATH="$PODIUM_ROOT/.tools/node/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Debian's nginx is /usr/sbin/nginx, which a non-login shell's PATH may lack.
case ":$PATH:" in *:/usr/sbin:*) ;; *) export PATH="$PATH:/usr/sbin" ;; esac
export VENV="$PODIUM_ROOT/.venv"
# Tools that scripts/setup installs (chromedriver, brotli, terser, wasm-opt, trunk, the venv) may
# be missing when this file is sourced on a fresh machine: resolve their paths only after set-up
# has run, with `use_installed_tools`, never here.
use_installed_tools() {
  hash -r
  CHROMEDRIVER="$(command -v chromedriver)" \
    || { echo "${0##*/}: chromedriver is not installed (scripts/setup installs it)" >&2; exit 1; }
  export CHROMEDRIVER
}
# Trunk and the tests must never fetch tools from the web.
export TRUNK_OFFLINE=true
