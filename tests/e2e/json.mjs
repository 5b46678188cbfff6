// json.mjs -- small JSON and CSV checks for the end-to-end tests, so the shell
// tests need no jq or python:
//   node json.mjs get FILE PATH        prints the value at PATH (a.b.0.c), JSON-encoded unless a string
//   node json.mjs ocids FILE           prints results[].ocid, one per line
//   node json.mjs sorted FILE FIELD asc|desc   exit 0 when results[].FIELD is ordered (nulls last)
//   node json.mjs csv FILE             parses RFC 4180 CSV; prints "rows cols" and exits 1 on any error
import { readFileSync } from 'node:fs';

const [cmd, file, ...rest] = process.argv.slice(2);
const text = readFileSync(file, 'utf8');

function get(obj, path) {
  return path.split('.').reduce((o, k) => (o == null ? undefined : o[/^\d+$/.test(k) ? Number(k) : k]), obj);
}

function parseCsv(s) {
  const rows = [];
  let row = [], field = '', i = 0, quoted = false, start = true;
  while (i < s.length) {
    const c = s[i];
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false; i++; continue;
      }
      field += c; i++; continue;
    }
    if (start && c === '"') { quoted = true; start = false; i++; continue; }
    if (c === '"') throw new Error(`stray quote at offset ${i}`);
    if (c === ',') { row.push(field); field = ''; start = true; i++; continue; }
    if (c === '\r') {
      if (s[i + 1] !== '\n') throw new Error(`CR without LF at offset ${i}`);
      row.push(field); rows.push(row); row = []; field = ''; start = true; i += 2; continue;
    }
    if (c === '\n') throw new Error(`bare LF at offset ${i}`);
    field += c; start = false; i++;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

if (cmd === 'csv') {
  try {
    const rows = parseCsv(text.replace(/^\uFEFF/, ''));
    const cols = rows[0].length;
    const bad = rows.findIndex((r) => r.length !== cols);
    if (bad >= 0) { console.log(`row ${bad} has ${rows[bad].length} fields, header has ${cols}`); process.exit(1); }
    console.log(`${rows.length - 1} ${cols}`);
    if (rest[0]) console.log(rows.slice(1).map((r) => r[rows[0].indexOf(rest[0])]).join('\n'));
  } catch (e) { console.log(String(e.message)); process.exit(1); }
  process.exit(0);
}

const doc = JSON.parse(text);
if (cmd === 'get') {
  const v = get(doc, rest[0]);
  console.log(typeof v === 'string' ? v : JSON.stringify(v));
} else if (cmd === 'ocids') {
  for (const r of doc.results) console.log(r.ocid);
} else if (cmd === 'sorted') {
  const [field, dir] = rest;
  const vals = doc.results.map((r) => r[field]);
  const nonNull = vals.filter((v) => v !== null && v !== undefined);
  const firstNull = vals.findIndex((v) => v === null || v === undefined);
  if (firstNull >= 0 && vals.slice(firstNull).some((v) => v !== null && v !== undefined)) process.exit(1);
  for (let i = 1; i < nonNull.length; i++) {
    const a = nonNull[i - 1], b = nonNull[i];
    if (dir === 'asc' ? a > b : a < b) process.exit(1);
  }
} else {
  console.error(`unknown command ${cmd}`);
  process.exit(2);
}
