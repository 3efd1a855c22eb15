"""dltaf sample hook `audit_file`: appends one JSON line per run event to the file at `config.path`.

Config: `path` (required; relative paths are resolved against the manifest's folder) and `deny_pipelines`
(optional list of pipeline names whose runs are vetoed in pre_run).
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone
from typing import Optional

from dltaf_plugin import Call, Plugin, PluginError

plugin = Plugin(name="audit-hook", version="1.0.0", description="Appends one JSON audit line per run event")
log = logging.getLogger("audit_hook")


@plugin.hook("audit_file", events=("pre_run", "post_run", "on_error"))
def audit_file(call: Call) -> Optional[tuple[bool, str]]:
    """Appends one JSON audit line per run event; can deny pipelines in pre_run."""
    path = call.config.get("path")
    if not isinstance(path, str) or not path:
        raise PluginError("audit_file: config.path (the audit file) is required", category="CONFIG")
    path = os.path.join(call.context.get("manifest_dir", ""), path)
    pipeline = (call.context.get("pipeline") or {}).get("name")
    denied = call.event == "pre_run" and pipeline in (call.config.get("deny_pipelines") or [])
    entry = {"event": call.event, "run_id": call.context.get("run_id"), "pipeline": pipeline}
    if isinstance(call.result, dict) and "status" in call.result:
        entry["status"] = call.result["status"]
    if denied:
        entry["status"] = "denied"
    if call.error is not None:
        entry["error"] = call.error
    entry["at"] = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "a", encoding="utf-8") as audit:
        audit.write(json.dumps(entry, ensure_ascii=False) + "\n")
    log.info("audited %s of pipeline %s in %s", call.event, pipeline, path)
    if denied:
        return False, f"pipeline {pipeline!r} is denied by audit_file (config.deny_pipelines)"
    return None


if __name__ == "__main__":
    plugin.serve()
