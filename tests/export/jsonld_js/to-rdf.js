// Reads a JSON-LD file with jsonld.js and writes its quads as N-Quads (tests/export/test_jsonld.py).
// Usage: node to-rdf.js FILE [json-ld-1.0|json-ld-1.1]. Remote contexts are refused: the document carries its own.
const fs = require("fs");
const jsonld = require("jsonld");

const [file, mode = "json-ld-1.0"] = process.argv.slice(2);
const refuse = async (url) => {
  throw new Error(`remote context refused: ${url}`);
};
jsonld
  .toRDF(JSON.parse(fs.readFileSync(file, "utf8")), { format: "application/n-quads", processingMode: mode, documentLoader: refuse })
  .then((nquads) => process.stdout.write(nquads))
  .catch((err) => {
    process.stderr.write(`${err.name}: ${err.message}\n`);
    process.exit(1);
  });
