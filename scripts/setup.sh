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
# argostranslate without its heavy dependencies (torch, stanza): annot splits
# sentences itself and drives argos's CTranslate2 models directly.
"$VENV/bin/python" -m pip install -q --no-deps "argostranslate==1.11.0"
# The English<->Portuguese argos models shipped in models/, installed with
# argostranslate's own installer (a no-op when they are already there).
"$VENV/bin/python" -c "from annot.translate.models import install_bundled; install_bundled()"
echo "setup: done ($("$VENV/bin/python" --version), annot $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("annot"))'))"
