#!/usr/bin/env python3
"""Replays dltaf protocol test vectors (PROTOCOL.md §6) against a plugin process. Standard library only.

    python3 protocol/vectors/replay.py --plugin-cmd "bash samples/plugins/samples/bash/source_file_check" \\
        protocol/vectors/common/*.jsonl
    python3 protocol/vectors/replay.py --plugins-root samples/plugins protocol/vectors/samples/*.jsonl

With --plugins-root, a vector's plugin comes from its first line `// plugin: <spec>` (or --plugin SPEC): the
spec's dotted segments name a path under the root, either an executable or a folder holding a
`dltaf-plugin.json` descriptor whose `command` and `env` may use ${PLUGIN_DIR}.

Each vector runs in a fresh plugin process. Exit status: 0 when every vector passes, 1 on a mismatch,
2 on a usage error or a malformed vector.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shlex
import signal
import subprocess
import sys
import threading
import time
from typing import Any, Optional

STEP_KINDS = ("send", "expect", "close_stdin", "expect_exit")


class Mismatch(Exception):
    """The plugin did something the vector does not allow."""


class BadVector(Exception):
    """The vector file itself is malformed, or its plugin cannot be found."""


# -- matching (PROTOCOL.md §6) ------------------------------------------------------------------------------


def difference(expected: Any, got: Any, where: str = "") -> Optional[str]:
    """Where ``got`` fails to contain ``expected``, or None: objects are subsets, arrays match element by
    element with the same length, scalars are equal with the same JSON type (``true`` is not ``1``).
    """
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"{where or '/'}: expected an object, got {json.dumps(got)}"
        for key, value in expected.items():
            if key not in got:
                return f"{where}/{key}: missing"
            found = difference(value, got[key], f"{where}/{key}")
            if found:
                return found
        return None
    if isinstance(expected, list):
        if not isinstance(got, list) or len(got) != len(expected):
            return f"{where or '/'}: expected {len(expected)} array items, got {json.dumps(got)}"
        for index, (want, have) in enumerate(zip(expected, got)):
            found = difference(want, have, f"{where}/{index}")
            if found:
                return found
        return None
    number = (int, float)
    same_kind = (isinstance(expected, bool) == isinstance(got, bool)) and (
        type(expected) is type(got) or (isinstance(expected, number) and isinstance(got, number))
    )
    if not same_kind or expected != got:
        return f"{where or '/'}: expected {json.dumps(expected)}, got {json.dumps(got)}"
    return None


def is_notification(message: Any) -> bool:
    """A message with a method and no id."""
    return isinstance(message, dict) and "method" in message and "id" not in message


# -- vectors ------------------------------------------------------------------------------------------------


def load_vector(path: str) -> tuple[Optional[str], list[tuple[int, str, Any]]]:
    """Returns the vector's plugin spec (from `// plugin: <spec>` on its first line) and its steps."""
    spec, steps = None, []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            text = line.strip()
            if number == 1 and text.startswith("// plugin:"):
                spec = text[len("// plugin:") :].strip()
            if not text or text.startswith("//"):
                continue
            try:
                step = json.loads(text)
            except ValueError as exc:
                raise BadVector(f"{path}:{number}: not JSON: {exc}") from None
            kinds = [kind for kind in STEP_KINDS if isinstance(step, dict) and kind in step]
            if len(kinds) != 1:
                raise BadVector(f"{path}:{number}: a step has exactly one of {', '.join(STEP_KINDS)}")
            steps.append((number, kinds[0], step[kinds[0]]))
    return spec, steps


def resolve(spec: str, root: str) -> tuple[list[str], dict[str, str]]:
    """The command and extra environment of the plugin a spec names under ``root``."""
    path = os.path.abspath(os.path.join(root, *spec.split(".")))
    descriptor = os.path.join(path, "dltaf-plugin.json")
    if os.path.isfile(descriptor):
        with open(descriptor, encoding="utf-8") as handle:
            described = json.load(handle)

        def expand(value: str) -> str:
            return value.replace("${PLUGIN_DIR}", path)

        env = {key: expand(value) for key, value in (described.get("env") or {}).items()}
        return [expand(part) for part in described["command"]], env
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return [path], {}
    raise BadVector(f"plugin {spec!r}: neither {descriptor} nor an executable {path}")


# -- the plugin process -------------------------------------------------------------------------------------


class PluginProcess:
    """A plugin child process in its own process group; stdout is read line by line on a thread."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
            start_new_session=True,
        )
        self.lines: queue.Queue[Optional[bytes]] = queue.Queue()
        self.stderr: list[str] = []
        threading.Thread(target=self._pump_stdout, daemon=True).start()
        threading.Thread(target=self._pump_stderr, daemon=True).start()

    def _pump_stdout(self) -> None:
        assert self.proc.stdout is not None
        for line in iter(self.proc.stdout.readline, b""):
            self.lines.put(line)
        self.lines.put(None)

    def _pump_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in iter(self.proc.stderr.readline, b""):
            self.stderr.append(line.decode("utf-8", "replace").rstrip("\n"))

    def send(self, message: Any) -> None:
        assert self.proc.stdin is not None
        data = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n"
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            raise Mismatch("the plugin closed its stdin (did it exit?)") from None

    def next_message(self, deadline: float) -> Any:
        try:
            line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise Mismatch("timed out waiting for a message from the plugin") from None
        if line is None:
            self.lines.put(None)  # stay at end of file
            raise Mismatch(f"the plugin closed stdout (exit status {self.proc.poll()})")
        try:
            return json.loads(line.decode("utf-8"))
        except ValueError:
            raise Mismatch(f"stdout noise, not a JSON line: {line!r}") from None

    def close_stdin(self) -> None:
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except BrokenPipeError:
                pass

    def stop(self) -> None:
        self.close_stdin()
        try:
            self.proc.wait(2)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the host ends the whole process group
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()


def run_steps(plugin: PluginProcess, steps: list[tuple[int, str, Any]], timeout: float, path: str) -> None:
    """Plays the steps; raises Mismatch naming the step's line."""
    for number, kind, value in steps:
        deadline = time.monotonic() + timeout
        try:
            if kind == "send":
                plugin.send(value)
            elif kind == "close_stdin":
                plugin.close_stdin()
            elif kind == "expect_exit":
                try:
                    status = plugin.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    still = f"expected exit status {value}, but the plugin still runs after {timeout}s"
                    raise Mismatch(still) from None
                if status != value:
                    raise Mismatch(f"expected exit status {value}, got {status}")
            else:
                expect_notification = is_notification(value)
                while True:
                    got = plugin.next_message(deadline)
                    if is_notification(got) and not expect_notification:
                        continue
                    found = difference(value, got)
                    if found:
                        shown = f"\n  expected: {json.dumps(value)}\n  got:      {json.dumps(got)}"
                        raise Mismatch(f"message differs at {found}{shown}")
                    break
        except Mismatch as exc:
            raise Mismatch(f"{path}:{number}: {kind}: {exc}") from None


def replay(path: str, argv: list[str], extra_env: dict[str, str], spec: str, timeout: float) -> None:
    """Replays one vector file in a fresh plugin process."""
    _, steps = load_vector(path)
    env = dict(os.environ)
    env.update({"DLTAF_PLUGIN": "1", "DLTAF_PROTOCOL_VERSIONS": "1", "DLTAF_PLUGIN_SPEC": spec})
    env.update(extra_env)
    plugin = PluginProcess(argv, env)
    try:
        run_steps(plugin, steps, timeout, path)
    except Mismatch as exc:
        plugin.stop()
        tail = "\n".join("    " + line for line in plugin.stderr[-20:])
        raise Mismatch(f"{exc}\n  plugin stderr (last lines):\n{tail}" if tail else str(exc)) from None
    plugin.stop()


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("vectors", nargs="+", help="vector files (.jsonl)")
    parser.add_argument("--plugin-cmd", help="command line of the plugin (split like a shell would)")
    parser.add_argument("--plugins-root", help="folder that specs resolve under, e.g. samples/plugins")
    parser.add_argument("--plugin", help="spec to use instead of each vector's `// plugin:` line")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds allowed per step (default 10)")
    args = parser.parse_args(argv)
    failures = 0
    for path in args.vectors:
        extra_env: dict[str, str] = {}
        try:
            spec = args.plugin or load_vector(path)[0] or "vectors.plugin"
            if args.plugin_cmd:
                command = shlex.split(args.plugin_cmd)
            elif args.plugins_root:
                command, extra_env = resolve(spec, args.plugins_root)
            else:
                raise BadVector("give --plugin-cmd, or --plugins-root to resolve the vector's plugin spec")
            replay(path, command, extra_env, spec, args.timeout)
            print(f"ok   {path}")
        except BadVector as exc:
            print(f"error {exc}", file=sys.stderr)
            return 2
        except (Mismatch, OSError) as exc:
            failures += 1
            print(f"FAIL {exc}")
    print(f"{len(args.vectors) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
