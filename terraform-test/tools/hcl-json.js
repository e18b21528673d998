#!/usr/bin/env node
// Prints the Terraform file FILE as HashiCorp's HCL parser reads it (@cdktf/hcl2json: blocks as objects of lists,
// expressions as "${...}" strings), as JSON; exit 1 with the error if it does not parse.
// Usage: NODE_PATH=terraform-test/.tools/node_modules node hcl-json.js FILE
'use strict';
const fs = require('fs');
const path = require('path');
const hcl = require('@cdktf/hcl2json');
hcl.parse(path.basename(process.argv[2]), fs.readFileSync(process.argv[2], 'utf8'))
  .then((doc) => process.stdout.write(JSON.stringify(doc) + '\n'))
  .catch((e) => {
    console.error(String(e.message || e).split('\n')[0]);
    process.exit(1);
  });
