// openapi_check.mjs -- does an answer match what the OpenAPI document says of it?
//   node tests/openapi_check.mjs DOC METHOD PATH STATUS FILE
// PATH is the document's path template ("/api/v1/notices/{ocid}/awards"), FILE the
// answer's body. The schema is the operation's response for STATUS (its JSON or
// problem+json content), checked with ajv (JSON Schema 2020-12, the dialect of
// OAS 3.1) against the document's components. Prints "valid" or the errors;
// exit status 0 valid, 1 not, 2 the document says nothing of that answer.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const [docFile, method, path, status, file] = process.argv.slice(2);
const doc = JSON.parse(readFileSync(docFile, 'utf8'));
const op = doc.paths[path]?.[method.toLowerCase()];
let resp = op?.responses?.[status];
if (resp?.$ref) resp = doc.components.responses[resp.$ref.split('/').pop()];
const content = resp?.content?.['application/json'] || resp?.content?.['application/problem+json'];
if (!content) {
  console.log(`the document says nothing of ${method} ${path} ${status}`);
  process.exit(2);
}
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'oas', components: doc.components });
const s = content.schema.$ref ? { $ref: 'oas' + content.schema.$ref } : content.schema;
const check = ajv.compile(JSON.parse(JSON.stringify(s).replaceAll('"#/components/', '"oas#/components/')));
if (check(JSON.parse(readFileSync(file, 'utf8')))) {
  console.log('valid');
} else {
  console.log(ajv.errorsText(check.errors));
  process.exit(1);
}
