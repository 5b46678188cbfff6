#!/usr/bin/env node
// validate.mjs -- validates OCDS JSON documents against the official OCDS 1.1.5
// schema (JSON Schema draft-04) with Ajv, offline.
//
//   node tests/schema/validate.mjs [options] KIND FILE...
//     KIND     release-package | record-package | release
//     FILE     a JSON file, or - for standard input
//     --ndjson         each non-blank line of FILE is one document (a stream, read
//                      line by line in bounded memory)
//     --schema-dir D   the schema folder (default: $POWERHOUSE_SHARED/data/ocds/schema,
//                      else ../shared/data/ocds/schema from the repository root)
//     --max-errors N   errors printed per document (default 20; all are counted)
//     --quiet          print only failures and the summary
//     --extension D    an extension's folder: its release-schema.json is applied to
//                      the release schema as a JSON Merge Patch (RFC 7386), as OCDS
//                      extensions are; may be given more than once
//
// The package schemas $ref release-schema.json and versioned-release-validation-
// schema.json by absolute URL (https://standard.open-contracting.org/schema/1__1__5/...);
// every schema file is loaded from the local folder and registered under its own
// `id`, so nothing is fetched. Formats (date-time, uri, email) come from
// ajv-formats. The OCDS annotation keywords (codelist, openCodelist, deprecated,
// mergeStrategy, ...) are declared as annotations so Ajv's strict mode stays on
// for everything else.
//
// Output: one line per error, "FILE[:LINE]: /json/pointer: message", then a
// summary line. Exit status: 0 all valid, 1 some document invalid, 2 usage or
// unreadable/unparsable input.
import { createReadStream, readFileSync, existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";

const BASE = "https://standard.open-contracting.org/schema/1__1__5/";
const FILES = {
  "release-schema.json": "release",
  "versioned-release-validation-schema.json": null,
  "release-package-schema.json": "release-package",
  "record-package-schema.json": "record-package",
};
const ANNOTATIONS = ["codelist", "openCodelist", "deprecated", "deprecatedVersion", "mergeStrategy",
  "mergeOptions", "wholeListMerge", "omitWhenMerged", "versionId", "validationType"];

function usage(msg) {
  if (msg) process.stderr.write(`validate.mjs: ${msg}\n`);
  process.stderr.write("usage: node tests/schema/validate.mjs [--ndjson] [--quiet] [--max-errors N] " +
    "[--schema-dir DIR] release-package|record-package|release FILE...\n");
  process.exit(2);
}

const args = process.argv.slice(2);
let ndjson = false, quiet = false, maxErrors = 20, schemaDir = null;
const extensions = [];
const pos = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--ndjson") ndjson = true;
  else if (a === "--quiet") quiet = true;
  else if (a === "--max-errors") maxErrors = Number(args[++i]);
  else if (a === "--schema-dir") schemaDir = args[++i];
  else if (a === "--extension") extensions.push(args[++i]);
  else if (a === "-h" || a === "--help") usage();
  else if (a.startsWith("--")) usage(`unknown option ${a}`);
  else pos.push(a);
}
if (pos.length < 2) usage();
const kind = pos.shift();
if (!Object.values(FILES).includes(kind) || kind === null) usage(`unknown kind '${kind}'`);
if (!Number.isInteger(maxErrors) || maxErrors < 0) usage("--max-errors wants a number");

if (!schemaDir) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
  const shared = process.env.POWERHOUSE_SHARED || join(root, "..", "shared");
  schemaDir = join(shared, "data", "ocds", "schema");
}

// RFC 7386: objects merge key by key, null removes, anything else replaces.
function mergePatch(target, patch) {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out = target !== null && typeof target === "object" && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, validateFormats: true });
addFormats(ajv);
for (const k of ANNOTATIONS) ajv.addKeyword(k);
let validate = null;
for (const [file, k] of Object.entries(FILES)) {
  const path = join(schemaDir, file);
  if (!existsSync(path)) {
    process.stderr.write(`validate.mjs: schema ${path} not found (set --schema-dir or POWERHOUSE_SHARED)\n`);
    process.exit(2);
  }
  let schema = JSON.parse(readFileSync(path, "utf8"));
  if (file === "release-schema.json")
    for (const ext of extensions) schema = mergePatch(schema, JSON.parse(readFileSync(join(ext, "release-schema.json"), "utf8")));
  if (schema.id !== BASE + file) {
    process.stderr.write(`validate.mjs: ${path} has id ${schema.id}, expected ${BASE + file}\n`);
    process.exit(2);
  }
  ajv.addSchema(schema); // registered under its `id`, which the $refs name
}
validate = ajv.getSchema(BASE + Object.keys(FILES).find((f) => FILES[f] === kind));

let docs = 0, bad = 0, unreadable = 0;

function report(where, errors) {
  bad++;
  errors.slice(0, maxErrors).forEach((e) => {
    let msg = e.message;
    if (e.keyword === "additionalProperties") msg += `: '${e.params.additionalProperty}'`;
    else if (e.keyword === "enum") msg += `: ${JSON.stringify(e.params.allowedValues)}`;
    if (e.data === null || typeof e.data !== "object") {
      const got = JSON.stringify(e.data);
      msg += ` (got ${got.length > 80 ? got.slice(0, 77) + "..." : got})`;
    }
    process.stdout.write(`${where}: ${e.instancePath || "/"}: ${msg}\n`);
  });
  if (errors.length > maxErrors) process.stdout.write(`${where}: ... ${errors.length - maxErrors} more errors\n`);
}

function check(where, text) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    process.stdout.write(`${where}: not JSON: ${e.message}\n`);
    unreadable++;
    return;
  }
  docs++;
  if (validate(doc)) {
    if (!quiet) process.stdout.write(`${where}: valid\n`);
  } else {
    report(where, validate.errors);
  }
}

for (const file of pos) {
  if (ndjson) {
    // Line by line, so a stream of any size is checked in bounded memory.
    let lineNo = 0;
    try {
      const input = file === "-" ? process.stdin : createReadStream(file, { encoding: "utf8" });
      for await (const line of createInterface({ input, crlfDelay: Infinity })) {
        lineNo++;
        const text = lineNo === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
        if (text.trim() !== "") check(`${file}:${lineNo}`, text);
      }
    } catch (e) {
      process.stderr.write(`validate.mjs: cannot read ${file}: ${e.message}\n`);
      unreadable++;
    }
    continue;
  }
  // A whole document is parsed at once: fine up to a few hundred MB (V8's
  // string limit); validate bigger exports as --ndjson streams.
  let text;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (e) {
    process.stderr.write(`validate.mjs: cannot read ${file}: ${e.message}\n`);
    unreadable++;
    continue;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  check(file, text);
}

process.stdout.write(`${docs - bad} valid, ${bad} invalid` + (unreadable ? `, ${unreadable} unreadable` : "") + "\n");
process.exit(unreadable ? 2 : bad ? 1 : 0);
