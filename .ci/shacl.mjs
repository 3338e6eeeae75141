// Validates RDF data against SHACL shapes with rdf-validate-shacl, and prints
// the report as JSON on one line:
//
//   {"conforms": bool, "triples": N, "results": [...], "vocabularyResults": [...]}
//
// where each result is {severity, focusNode, path, value, message, sourceShape,
// constraint}.
//
//   node .ci/shacl.mjs SHAPES DATA [--vocabulary FILE]...
//
// The vocabulary files (e.g. the ADMS controlled vocabularies) are loaded
// beside the data, as SHACL needs them for class constraints on the concepts
// the data refers to. Results about nodes the data does not describe (the
// vocabulary's own concept schemes) are reported apart, in vocabularyResults,
// and do not count against "conforms". Formats come from the file extensions
// (.ttl, .jsonld, .rdf, .nt). Used by the Go tests; installed by .ci/run
// (npm ci --prefix .ci).
import rdf from '@zazuko/env-node'
import SHACLValidator from 'rdf-validate-shacl'

const args = process.argv.slice(2)
const vocabularies = []
const files = []
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--vocabulary' && i + 1 < args.length) {
    vocabularies.push(args[++i])
  } else {
    files.push(args[i])
  }
}
if (files.length !== 2) {
  console.error('usage: node shacl.mjs SHAPES DATA [--vocabulary FILE]...')
  process.exit(2)
}
const [shapesFile, dataFile] = files

const value = (term) => (term ? term.value : undefined)

try {
  const shapes = await rdf.dataset().import(rdf.fromFile(shapesFile))
  const data = await rdf.dataset().import(rdf.fromFile(dataFile))
  const described = new Set()
  for (const q of data) {
    described.add(q.subject.termType + ' ' + q.subject.value)
  }
  const triples = data.size
  for (const f of vocabularies) {
    await data.import(rdf.fromFile(f))
  }
  const validator = new SHACLValidator(shapes, { factory: rdf })
  const report = await validator.validate(data)
  const out = { conforms: true, triples, results: [], vocabularyResults: [] }
  for (const r of report.results) {
    const res = {
      severity: value(r.severity),
      focusNode: value(r.focusNode),
      path: value(r.path),
      value: value(r.value),
      message: r.message.map((m) => m.value),
      sourceShape: value(r.sourceShape),
      constraint: value(r.sourceConstraintComponent),
    }
    if (r.focusNode && described.has(r.focusNode.termType + ' ' + r.focusNode.value)) {
      out.results.push(res)
      if (res.severity === 'http://www.w3.org/ns/shacl#Violation') out.conforms = false
    } else {
      out.vocabularyResults.push(res)
    }
  }
  process.stdout.write(JSON.stringify(out) + '\n')
} catch (err) {
  console.error(`shacl: ${err.stack || err}`)
  process.exit(1)
}
