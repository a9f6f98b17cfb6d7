# Sourced by the other scripts: paths and versions in one place.
# shellcheck shell=bash
PODIUM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PODIUM_ROOT
TRUNK_VERSION=0.21.14
# The npm tools' versions, as pinned in scripts/tools/package.json (setup checks them).
BINARYEN_VERSION=132
TERSER_VERSION=5.51.4
MLFLOW_VERSION=3.17.2
# MLflow's last 2.x line, also tested (scripts/requirements-mlflow2.txt).
MLFLOW2_VERSION=2.22.4
MLFLOW2_VENV="$PODIUM_ROOT/.data/venv-mlflow-2.22"
# MLflow 3.18.0 needs mlflow-tracing==3.18.0, which the registry does not have: its wheels go
# over 3.17.2's dependencies with --no-deps (README, "MLflow versions").
MLFLOW318_VERSION=3.18.0
MLFLOW318_VENV="$PODIUM_ROOT/.data/venv-mlflow-3.18"
# The wasm-bindgen-cli must be exactly the wasm-bindgen in Cargo.lock.
WASM_BINDGEN_VERSION="$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p;}' "$PODIUM_ROOT/Cargo.lock")"
export PATH="$PODIUM_ROOT/.tools/node/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Debian's nginx is /usr/sbin/nginx, which a non-login shell's PATH may lack.
case ":$PATH:" in *:/usr/sbin:*) ;; *) export PATH="$PATH:/usr/sbin" ;; esac
export VENV="$PODIUM_ROOT/.venv"
# The MLflow that scripts/mlflow serves and seeds with: the pinned one, or another line's
# virtualenv (scripts/setup makes .data/venv-mlflow-2.22 for the 2.x tests).
MLFLOW_VENV="${PODIUM_MLFLOW_VENV:-$VENV}"
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
