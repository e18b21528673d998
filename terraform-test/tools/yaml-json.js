#!/usr/bin/env node
// Prints the YAML document in FILE as JSON (js-yaml, YAML 1.2 core schema); exit 1 with the error if it does not parse.
// Usage: NODE_PATH=terraform-test/.tools/node_modules node yaml-json.js FILE
'use strict';
const fs = require('fs');
const yaml = require('js-yaml');
try {
  process.stdout.write(JSON.stringify(yaml.load(fs.readFileSync(process.argv[2], 'utf8'))) + '\n');
} catch (e) {
  console.error(String(e.message || e));
  process.exit(1);
}
