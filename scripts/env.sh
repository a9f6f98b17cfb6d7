# Sourced by the other scripts: paths and versions in one place.
# shellcheck shell=bash
PODIUM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PODIUM_ROOT
TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132
TERSER_VERSION=5.51.4
MLFLOW_VERSION=3.17.2
# The wasm-bindgen-cli must be exactly the wasm-bindgen in Cargo.lock.
WASM_BINDGEN_VERSION="$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p;}' "$PODIUM_ROOT/Cargo.lock")"
export PATH="$PODIUM_ROOT/.tools/node/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export VENV="$PODIUM_ROOT/.venv"
CHROMEDRIVER="$(command -v chromedriver || true)"
export CHROMEDRIVER
# Trunk and the tests must never fetch tools from the web.
export TRUNK_OFFLINE=true
