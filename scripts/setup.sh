#!/usr/bin/env bash
# Installs everything annot needs, idempotently: Debian packages (when
# missing), a virtualenv in $VENV, annot itself with its test extras.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

sudo_cmd=()
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then sudo_cmd=(sudo); fi

apt_install() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "setup: installing Debian packages: ${missing[*]}"
        "${sudo_cmd[@]}" apt-get update -qq
        DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
    fi
}

mapfile -t apt_pkgs < <(grep -v '^\s*#' scripts/apt-packages.txt | grep -v '^\s*$' || true)
[ ${#apt_pkgs[@]} -eq 0 ] || apt_install "${apt_pkgs[@]}"

if [ ! -x "$VENV/bin/python" ]; then
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
        # Debian splits venv/ensurepip into its own package.
        rm -rf "$VENV"
        apt_install python3-venv
        "$PYTHON" -m venv "$VENV"
    fi
fi
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q -e ".[test]"
echo "setup: done ($("$VENV/bin/python" --version), annot $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("annot"))'))"
