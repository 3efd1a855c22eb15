#!/usr/bin/env bash
# Checks the system packages dltaf needs; installs the missing ones when run as root (Debian/Ubuntu).
set -euo pipefail

missing=()
pkg-config --exists yaml-0.1 2>/dev/null || missing+=(libyaml-dev)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v jq >/dev/null || missing+=(jq)
command -v python3 >/dev/null || missing+=(python3)
command -v node >/dev/null || missing+=(nodejs)

if ((${#missing[@]})); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        echo "setup: installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "setup: missing ${missing[*]}. Install with: sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
fi

if ! python3 -c 'import pytest' 2>/dev/null; then
    echo "setup: installing pytest for the SDK tests"
    python3 -m pip install -q pytest
fi
