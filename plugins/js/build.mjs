#!/usr/bin/env node
// Builds the JavaScript example plugins into components:
//
//   npm ci --prefix plugins/js          # once: componentize-js, pinned by package-lock.json
//   node plugins/js/build.mjs OUT_DIR   # every plugins/js/<name>/<name>.js -> OUT_DIR/js-<name>.wasm
//   node plugins/js/build.mjs OUT_DIR cpu fetch   # only these folders
//
// A component is rebuilt only when one of its inputs (the plugin's folder, the SDK module, the WIT,
// componentize-js, this script) is newer than it; `--force` rebuilds all. Plugins import the SDK by
// relative path (`../../sdk-js/wasmbench.js`): componentize-js maps the current directory into the
// build sandbox, so the build runs from plugins/, the folder that holds both.
//
// Exit codes: 0 built (or up to date), 1 a build failed, 2 bad usage or componentize-js missing.

import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { spawnSync } from "node:child_process";

const HERE = dirname(fileURLToPath(import.meta.url)); // plugins/js
const PLUGINS = dirname(HERE); // plugins/: the build's root, holding js/ and sdk-js/
const SDK = join(PLUGINS, "sdk-js");
const WIT = join(PLUGINS, "wit");
const COMPONENTIZE = join(HERE, "node_modules", "@bytecodealliance", "componentize-js");
const PREFIX = "js-";
const SKIP = new Set(["node_modules", "test"]);

// Plugins export `workload` and handle no incoming HTTP requests; everything else (stdio for error
// messages, clocks for timers, random, http for fetch) stays on.
const DISABLED_FEATURES = ["fetch-event"];

function usage(message) {
  console.error(`build.mjs: ${message}\nusage: node plugins/js/build.mjs [--force] OUT_DIR [FOLDER...]`);
  process.exit(2);
}

const args = process.argv.slice(2);
const force = args.includes("--force");
const positional = args.filter((a) => a !== "--force");
if (positional.length < 1 || positional.some((a) => a.startsWith("-"))) usage("expected OUT_DIR, then the folders to build (default: all)");
const outDir = resolve(positional[0]);
const only = new Set(positional.slice(1));

if (!existsSync(join(COMPONENTIZE, "package.json"))) {
  console.error(`build.mjs: componentize-js is not installed in ${relative(process.cwd(), HERE) || "."}/node_modules; run \`npm ci --prefix plugins/js\` first`);
  process.exit(2);
}

/** Every file under `path` (recursively, skipping node_modules). */
function files(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => !SKIP.has(name))
    .flatMap((name) => files(join(path, name)));
}

const newest = (paths) => Math.max(...paths.map((p) => statSync(p).mtimeMs));

/** The example folders: plugins/js/<name>/<name>.js, or a folder with exactly one .js file. */
function plugins() {
  return readdirSync(HERE, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !SKIP.has(d.name) && !d.name.startsWith("."))
    .map((d) => {
      const dir = join(HERE, d.name);
      const named = join(dir, `${d.name}.js`);
      if (existsSync(named)) return { name: d.name, dir, source: named };
      const scripts = readdirSync(dir).filter((f) => f.endsWith(".js"));
      if (scripts.length === 1) return { name: d.name, dir, source: join(dir, scripts[0]) };
      throw new Error(`plugins/js/${d.name}: expected ${d.name}.js or exactly one .js file, found ${scripts.length}`);
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** `node --check`'s report for each of `paths` that doesn't parse. */
function syntaxErrors(paths) {
  return paths
    .filter((p) => p.endsWith(".js"))
    .map((p) => spawnSync(process.execPath, ["--check", p], { encoding: "utf8" }))
    .filter((r) => r.status !== 0)
    .map((r) => {
      const lines = r.stderr.trim().split("\n");
      const end = lines.findIndex((l) => /^\w*Error\b/.test(l));
      return `\n${lines.slice(0, end < 0 ? lines.length : end + 1).join("\n")}`;
    })
    .join("");
}

const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function main() {
  let list;
  try {
    list = plugins();
  } catch (e) {
    usage(e.message);
  }
  const unknown = [...only].filter((name) => !list.some((p) => p.name === name));
  if (unknown.length > 0) usage(`no plugin folder ${unknown.join(", ")} in ${HERE}`);
  if (only.size > 0) list = list.filter((p) => only.has(p.name));
  if (list.length === 0) usage(`no plugin folders in ${HERE}`);
  mkdirSync(outDir, { recursive: true });

  const shared = [...files(SDK).filter((p) => p.endsWith(".js")), ...files(WIT), join(COMPONENTIZE, "package.json"), fileURLToPath(import.meta.url)];
  const sharedNewest = newest(shared);
  const { componentize } = await import(pathToFileURL(join(COMPONENTIZE, "src", "componentize.js")).href);

  let failed = 0;
  for (const plugin of list) {
    const out = join(outDir, `${PREFIX}${plugin.name}.wasm`);
    const inputsNewest = Math.max(sharedNewest, newest(files(plugin.dir)));
    if (!force && existsSync(out) && statSync(out).mtimeMs > inputsNewest) {
      console.log(`${PREFIX}${plugin.name}: up to date (${out}, ${mib(statSync(out).size)})`);
      continue;
    }
    const started = performance.now();
    const cwd = process.cwd();
    try {
      process.chdir(PLUGINS);
      const { component } = await componentize({
        sourcePath: plugin.source,
        sourceName: basename(plugin.source),
        witPath: WIT,
        worldName: "plugin",
        disableFeatures: DISABLED_FEATURES,
      });
      writeFileSync(out, component);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`${PREFIX}${plugin.name}: built ${out} in ${seconds} s, ${mib(component.length)}`);
    } catch (e) {
      failed += 1;
      let message = String(e?.message ?? e);
      // componentize-js names no line for a syntax error; node does.
      if (message.includes("failed to parse JS source")) message += syntaxErrors([...files(plugin.dir), ...files(SDK)]);
      console.error(`${PREFIX}${plugin.name}: build failed (${relative(cwd, plugin.source)}):\n${message}`);
    } finally {
      process.chdir(cwd);
    }
  }
  process.exit(failed === 0 ? 0 : 1);
}

await main();
