// Fails when web/src or web/embedded (the widget, the call page) declares
// its own copy of an API shape instead of using the type generated from
// internal/http/openapi.json (issue 21: the document is the one source;
// src/openapi.gen.ts is made from it). A copy is an interface, or a type
// written as an object literal, that either bears the name of one of the
// document's schemas or has exactly the property names of one (three or
// more); or a declaration whose `type` properties name two or more of the
// WebSocket frame types the document's frame unions list (WsServerFrame,
// LiveChatVisitorFrame, ...: a hand-written frame union). Run by the build
// and typecheck.
import { readFile, readdir } from 'node:fs/promises'

const docURL = new URL('../../internal/http/openapi.json', import.meta.url)
const webURL = new URL('../', import.meta.url)
const dirs = ['src/', 'embedded/']

const doc = JSON.parse(await readFile(docURL, 'utf8'))

// Every object schema of the document, the inline ones of the paths too,
// by the sorted list of its property names.
const byKeys = new Map()
function collect(node, where) {
  if (Array.isArray(node)) return node.forEach((n) => collect(n, where))
  if (!node || typeof node !== 'object') return
  if (node.properties && typeof node.properties === 'object') {
    const keys = Object.keys(node.properties).sort().join(',')
    if (Object.keys(node.properties).length >= 3 && !byKeys.has(keys)) byKeys.set(keys, where)
  }
  for (const [k, v] of Object.entries(node)) {
    if (k === 'properties') for (const [pk, pv] of Object.entries(v)) collect(pv, `${where}.${pk}`)
    else collect(v, where)
  }
}
for (const [name, s] of Object.entries(doc.components.schemas)) collect(s, `schema ${name}`)
for (const [path, ops] of Object.entries(doc.paths)) collect(ops, `a body of ${path}`)
const names = new Set(Object.keys(doc.components.schemas))

// The frame types: the discriminator values of the document's unions.
const frameTypes = new Set()
for (const s of Object.values(doc.components.schemas)) {
  if (s.oneOf && s.discriminator?.propertyName === 'type') for (const k of Object.keys(s.discriminator.mapping ?? {})) frameTypes.add(k)
}
if (frameTypes.size < 10) throw new Error('openapi.json lists no WebSocket frame unions: check-api-types.mjs is out of date')

// Every declaration's text: an interface to its closing brace, a type
// alias to the end of its union (lines going on with |, &, or open
// braces), for the frame check.
function declarationTexts(text) {
  const out = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*(?:export\s+)?(?:interface|type)\s+(\w+)/.exec(lines[i])
    if (!m) continue
    let body = lines[i]
    let depth = (body.match(/[{(]/g) ?? []).length - (body.match(/[})]/g) ?? []).length
    let j = i
    while (j + 1 < lines.length && (depth > 0 || /[=|&]\s*$/.test(lines[j]) || /^\s*[|&]/.test(lines[j + 1]))) {
      const l = lines[++j]
      body += '\n' + l
      depth += (l.match(/[{(]/g) ?? []).length - (l.match(/[})]/g) ?? []).length
    }
    out.push({ name: m[1], line: i + 1, body })
  }
  return out
}

// The frame types a declaration's `type` properties name.
function framesNamed(body) {
  const found = new Set()
  for (const m of body.matchAll(/\btype\??\s*:\s*((?:\|?\s*(['"])[^'"\n]+\2\s*)+)/g)) {
    for (const l of m[1].matchAll(/(['"])([^'"\n]+)\1/g)) if (frameTypes.has(l[2])) found.add(l[2])
  }
  return [...found]
}

// Declarations: `interface X {` and `type X = {`, with the names of their
// top-level properties (one per line, as the workspace's style writes them;
// one-line declarations are split on ; and ,). A declaration whose line
// before says `api-shape: not` is a page's own state (a form's text
// fields, say) that happens to look like one, and is skipped.
const decl = /^\s*(?:export\s+)?(?:interface\s+(\w+)(?:<[^>]*>)?(?:\s+extends\s+[^{]+)?|type\s+(\w+)(?:<[^>]*>)?\s*=)\s*\{(.*)$/

function declarations(text) {
  const out = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = decl.exec(lines[i])
    if (!m || (i > 0 && lines[i - 1].includes('api-shape: not'))) continue
    const name = m[1] ?? m[2]
    let body = m[3]
    let depth = 1 + (body.match(/\{/g) ?? []).length - (body.match(/\}/g) ?? []).length
    let j = i
    while (depth > 0 && j + 1 < lines.length) {
      const l = lines[++j]
      body += '\n' + l
      depth += (l.match(/\{/g) ?? []).length - (l.match(/\}/g) ?? []).length
    }
    // Only depth-one keys: drop nested braces' contents.
    let flat = ''
    let d = 0
    for (const ch of body) {
      if (ch === '{') d++
      else if (ch === '}') d--
      else if (d === 0) flat += ch
    }
    const keys = [...flat.matchAll(/(?:^|[\n;,])\s*(?:readonly\s+)?(\w+)\??\s*:/g)].map((k) => k[1])
    out.push({ name, line: i + 1, keys: [...new Set(keys)].sort() })
  }
  return out
}

async function files(dir) {
  const out = []
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules') continue
    const u = new URL(e.name + (e.isDirectory() ? '/' : ''), dir)
    if (e.isDirectory()) out.push(...(await files(u)))
    else if (/\.(ts|vue)$/.test(e.name) && !/\.test\.ts$|openapi\.gen\.ts$/.test(e.name)) out.push(u)
  }
  return out
}

const problems = []
for (const dir of dirs) {
  for (const f of await files(new URL(dir, webURL))) {
    const rel = f.pathname.slice(webURL.pathname.length)
    const text = await readFile(f, 'utf8')
    for (const d of declarations(text)) {
      if (names.has(d.name)) problems.push(`${rel}:${d.line}: ${d.name} is a schema of openapi.json: use the generated type`)
      else if (d.keys.length >= 3 && byKeys.has(d.keys.join(','))) {
        problems.push(`${rel}:${d.line}: ${d.name} has the properties of ${byKeys.get(d.keys.join(','))}: use the generated type`)
      }
    }
    for (const d of declarationTexts(text)) {
      const named = framesNamed(d.body)
      if (named.length >= 2) {
        problems.push(`${rel}:${d.line}: ${d.name} spells out WebSocket frames (${named.join(', ')}): use the generated frame types (WsServerFrame, LiveChatServerFrame, ...)`)
      }
    }
  }
}
if (problems.length) {
  console.error(problems.join('\n'))
  console.error('Hand-written copies of API shapes drift from the server; generate them from openapi.json (scripts/gen-api.mjs).')
  process.exit(1)
}
console.log('no hand-written API shapes in src/ or embedded/')
