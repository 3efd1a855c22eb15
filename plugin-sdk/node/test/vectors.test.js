// Replays the common protocol vectors (protocol/vectors/common) against each Node sample with the repo's
// replayer, protocol/vectors/replay.py, resolving each sample through its dltaf-plugin.json.

import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { REPO, SAMPLES_DIR, pluginEnv } from "../test-support/host.js";

const REPLAY = path.join(REPO, "protocol", "vectors", "replay.py");
const COMMON = path.join(REPO, "protocol", "vectors", "common");
const VECTORS = fs.readdirSync(COMMON).filter((name) => name.endsWith(".jsonl")).sort();
const SAMPLES = fs.readdirSync(SAMPLES_DIR).filter((name) => fs.existsSync(path.join(SAMPLES_DIR, name, "dltaf-plugin.json"))).sort();
const PYTHON = spawnSync("python3", ["--version"]).status === 0 ? "python3" : undefined;

function replay(args) {
  // the descriptor's `node` is looked up on PATH: put the node running these tests first
  const env = pluginEnv({ PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}` });
  return new Promise((resolve) => {
    execFile(PYTHON, [REPLAY, "--timeout", "10", ...args], { cwd: REPO, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ status: error ? (error.code ?? 1) : 0, output: stdout + stderr });
    });
  });
}

describe("common protocol vectors", { skip: PYTHON ? false : "python3 is not installed", timeout: 120_000 }, () => {
  test("there are vectors and samples", () => {
    assert.ok(["handshake.jsonl", "version_mismatch.jsonl", "unknown_method.jsonl", "eof_exit.jsonl", "not_initialized.jsonl"].every((v) => VECTORS.includes(v)));
    assert.deepEqual(SAMPLES, ["audit_hook", "json_runner", "port_check"]);
  });

  for (const sample of SAMPLES) {
    for (const vector of VECTORS) {
      test(`${sample} passes ${vector}`, async () => {
        const args = ["--plugins-root", path.join(REPO, "samples", "plugins"), "--plugin", `samples.node.${sample}`, path.join(COMMON, vector)];
        const { status, output } = await replay(args);
        assert.equal(status, 0, output);
        assert.match(output, /1 passed, 0 failed/);
      });
    }
  }

  test("the replayer fails a plugin that breaks the protocol (so the passes above mean something)", async () => {
    const noisy = `${process.execPath} -e "console.log('hello'); process.stdin.resume()"`;
    const { status, output } = await replay(["--plugin-cmd", noisy, path.join(COMMON, "handshake.jsonl")]);
    assert.equal(status, 1, output);
    assert.match(output, /stdout noise/);
  });
});
