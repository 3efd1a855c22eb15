"""dltaf sample runner `csv_file`: counts the rows of a CSV file and can copy them as JSON lines.

Source: exactly one of `path` (a local file, relative to the manifest's folder) or `url` (http:// or https://),
and optionally `output` (a JSON-lines file to write, relative to the manifest's folder) and `stream` (the
stream name, default: the file's name without extension).

When dltaf offers the data feature (data.v1), the rows also go to the pipeline's destination through
`call.write` (the SDK batches them into spool files); with an older dltaf the runner only counts and copies.
"""

import csv
import io
import json
import os
import urllib.request

from dltaf_plugin import Call, Diagnostic, Plugin, PluginError

plugin = Plugin(name="csv-runner", version="1.0.0", description="Counts the rows of a CSV file or URL")


@plugin.validator("csv_file")
def validate(call: Call) -> list:
    source = call.manifest.get("source") if isinstance(call.manifest.get("source"), dict) else {}
    path, url = (source.get(key) if isinstance(source.get(key), str) else None for key in ("path", "url"))
    if (path is None) == (url is None):
        return [Diagnostic.error("source needs exactly one of path or url", path="/source", code="csv.source")]
    if url is not None and not url.startswith(("http://", "https://")):
        return [Diagnostic.error("source.url must be an http:// or https:// URL", path="/source/url", code="csv.url")]
    return []


@plugin.runner("csv_file")
def run(call: Call) -> dict:
    """Counts the rows of a CSV file or URL."""
    for problem in validate(call):
        raise PluginError(problem.message, category="CONFIG", code=problem.code)
    source, folder, rows = call.manifest["source"], call.context.get("manifest_dir", "."), 0
    try:
        if isinstance(source.get("url"), str):
            stream = io.TextIOWrapper(urllib.request.urlopen(source["url"], timeout=60), "utf-8", newline="")
        else:
            stream = open(os.path.join(folder, source["path"]), encoding="utf-8", newline="")
        # without source.output the JSON lines go to /dev/null (an absolute path wins in os.path.join)
        with stream, open(os.path.join(folder, source.get("output") or os.devnull), "w", encoding="utf-8") as output:

            def records():
                for count, row in enumerate(csv.DictReader(stream), 1):
                    call.raise_if_cancelled()
                    output.write(json.dumps(row, ensure_ascii=False) + "\n")
                    if count % 1000 == 0:
                        call.progress(current=count, unit="rows")
                        call.state({"rows": count})
                    yield row

            # with data.v1 the rows also go to the destination (the SDK batches them); else they are counted
            name = source.get("stream") or "rows"
            rows = call.write(name, records()) if call.data_enabled else sum(1 for _ in records())
    except (OSError, csv.Error, UnicodeDecodeError) as exc:
        return {"status": "failed", "message": f"cannot load {source.get('url') or source.get('path')}: {exc}"}
    call.state({"rows": rows})
    return {"status": "success", "message": f"{rows} rows", "load_metrics": {"rows_count": rows, "tables_count": 1}}


if __name__ == "__main__":
    plugin.serve()
