#!/usr/bin/env node
// Offline lint of one Terraform stack directory, without Terraform: every *.tf file must parse with HashiCorp's
// HCL parser (@cdktf/hcl2json, hcl/v2 compiled to WebAssembly), and every reference must resolve:
// var.X to a declared variable, local.X to a local, data.T.N to a data source, T.N to a resource. Prints one JSON
// object (the declarations, the references, the errors) on stdout; exit 0 when there are no errors, 1 otherwise.
// Usage: NODE_PATH=terraform-test/.tools/node_modules node hcl-lint.js DIR
'use strict';
const fs = require('fs');
const path = require('path');
const hcl = require('@cdktf/hcl2json');

const IGNORED_ROOTS = new Set(['count', 'each', 'path', 'self', 'terraform']);

async function main() {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: hcl-lint.js DIR');
    process.exit(2);
  }
  const report = { dir, files: [], errors: [], variables: {}, locals: [], resources: [], data: [], outputs: {}, references: [] };
  const docs = [];
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.tf')).sort()) {
    report.files.push(f);
    try {
      docs.push({ file: f, doc: await hcl.parse(f, fs.readFileSync(path.join(dir, f), 'utf8')) });
    } catch (e) {
      report.errors.push(`${f}: does not parse: ${String(e.message || e).split('\n')[0]}`);
    }
  }
  if (report.files.length === 0) report.errors.push(`${dir}: no .tf files`);

  for (const { doc } of docs) {
    for (const [name, blocks] of Object.entries(doc.variable || {})) {
      const b = blocks[0];
      report.variables[name] = {
        type: b.type, sensitive: b.sensitive === true, hasDefault: 'default' in b,
        validations: (b.validation || []).map((v) => ({ condition: unwrap(v.condition), error_message: v.error_message })),
      };
    }
    for (const blocks of doc.locals || []) report.locals.push(...Object.keys(blocks));
    for (const [type, byName] of Object.entries(doc.resource || {})) for (const n of Object.keys(byName)) report.resources.push(`${type}.${n}`);
    for (const [type, byName] of Object.entries(doc.data || {})) for (const n of Object.keys(byName)) report.data.push(`data.${type}.${n}`);
  }

  // every string in the documents is a template: collect the references of each
  for (const { file, doc } of docs) {
    for (const [where, text] of strings(doc, [])) {
      if (!text.includes('${')) continue;
      if (where[0] === 'variable' && where[2] === 'type') continue; // a type constraint, not an expression
      // lifecycle { ignore_changes = [attr] } names attributes of the resource itself, not references
      if (where[0] === 'resource' && where[3] === 'lifecycle' && where[4] === 'ignore_changes') continue;
      let refs;
      try {
        refs = await hcl.getReferencesInExpression(file, text);
      } catch (e) {
        report.errors.push(`${file}: ${where.join('.')}: cannot read the expression: ${String(e.message || e).split('\n')[0]}`);
        continue;
      }
      for (const r of refs) {
        const target = resolve(r.value, report);
        report.references.push({ file, where: where.join('.'), ref: r.value, target: target.name, ok: target.ok });
        if (!target.ok) report.errors.push(`${file}: ${where.join('.')}: ${r.value}: ${target.why}`);
      }
      if (where[0] === 'output') {
        const name = where[1];
        report.outputs[name] = report.outputs[name] || { refs: [] };
        report.outputs[name].refs.push(...refs.map((r) => resolve(r.value, report).name));
      }
    }
  }
  for (const { file, doc } of docs) {
    for (const [name, blocks] of Object.entries(doc.output || {})) {
      const o = (report.outputs[name] = report.outputs[name] || { refs: [] });
      o.sensitive = blocks[0].sensitive === true;
      if (o.refs.length === 0) report.errors.push(`${file}: output ${name} refers to nothing declared`);
    }
  }
  process.stdout.write(JSON.stringify(report, null, 1) + '\n');
  process.exit(report.errors.length === 0 ? 0 : 1);
}

function unwrap(s) {
  return typeof s === 'string' && s.startsWith('${') && s.endsWith('}') ? s.slice(2, -1) : s;
}

function* strings(node, where) {
  if (typeof node === 'string') yield [where, node];
  else if (Array.isArray(node)) for (let i = 0; i < node.length; i++) yield* strings(node[i], node.length === 1 ? where : where.concat(String(i)));
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) yield* strings(v, where.concat(k));
}

function resolve(ref, report) {
  const parts = ref.replace(/\[[^\]]*\]/g, '').split('.');
  const root = parts[0];
  if (IGNORED_ROOTS.has(root)) return { ok: true, name: root };
  if (root === 'var') {
    return report.variables[parts[1]] ? { ok: true, name: `var.${parts[1]}` } : { ok: false, name: `var.${parts[1]}`, why: 'variable not declared' };
  }
  if (root === 'local') {
    return report.locals.includes(parts[1]) ? { ok: true, name: `local.${parts[1]}` } : { ok: false, name: `local.${parts[1]}`, why: 'local not declared' };
  }
  if (root === 'data') {
    const n = `data.${parts[1]}.${parts[2]}`;
    return report.data.includes(n) ? { ok: true, name: n } : { ok: false, name: n, why: 'data source not declared' };
  }
  if (root === 'module') return { ok: false, name: `module.${parts[1]}`, why: 'modules are not used in these stacks' };
  const n = `${parts[0]}.${parts[1]}`;
  return report.resources.includes(n) ? { ok: true, name: n } : { ok: false, name: n, why: 'resource not declared' };
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
