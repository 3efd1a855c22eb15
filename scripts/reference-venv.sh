#!/usr/bin/env bash
# Installs the Python dltaf 0.2.16 (the reference whose verdicts the tests compare with) and jsonschema (to
# check the published JSON Schema) in .venv-ref, once. PyPI is the only network access.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${DLTAF_REFERENCE_VENV:-$ROOT/.venv-ref}
if [[ -x $VENV/bin/dltaf ]] && "$VENV/bin/python" -c 'import jsonschema, yaml' 2>/dev/null; then
    exit 0
fi
echo "reference: installing dltaf==0.2.16 and jsonschema in $VENV"
python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check 'dltaf==0.2.16' jsonschema pyyaml
