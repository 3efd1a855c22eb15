// The package itself: package.json, self-referencing exports, and type declarations for every export.

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { SDK_DIR } from "../test-support/host.js";

const pkg = JSON.parse(fs.readFileSync(path.join(SDK_DIR, "package.json"), "utf8"));

test("package.json declares an ES module package with types, engines and the node --test script", () => {
  assert.equal(pkg.name, "dltaf-plugin");
  assert.equal(pkg.type, "module");
  assert.equal(pkg.types, "./index.d.ts");
  assert.deepEqual(pkg.engines, { node: ">=18" });
  assert.equal(pkg.scripts.test, "node --test");
  assert.equal(pkg.dependencies, undefined);
  assert.equal(pkg.devDependencies, undefined);
  for (const target of Object.values(pkg.exports)) {
    for (const file of typeof target === "string" ? [target] : Object.values(target)) {
      assert.ok(fs.existsSync(path.join(SDK_DIR, file)), file);
    }
  }
  for (const file of pkg.files) assert.ok(fs.existsSync(path.join(SDK_DIR, file)), file);
});

test("the package resolves by its name, and every runtime export is declared in the .d.ts", async () => {
  for (const [specifier, declarations] of [["dltaf-plugin", "index.d.ts"], ["dltaf-plugin/testing", "testing.d.ts"]]) {
    const module = await import(specifier);
    const text = fs.readFileSync(path.join(SDK_DIR, declarations), "utf8");
    for (const name of Object.keys(module)) {
      const declared = new RegExp(`export (declare )?(const|class|function|interface|type) ${name}\\b|export \\{[^}]*\\b${name}\\b`);
      assert.match(text, declared, `${name} is not declared in ${declarations}`);
    }
  }
  const { Plugin } = await import("dltaf-plugin");
  const { Plugin: direct } = await import("../index.js");
  assert.equal(Plugin, direct);
});
