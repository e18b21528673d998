#!/usr/bin/env bash
# Installs the offline checkers the tests use into terraform-test/.tools (npm only, nothing else is downloaded):
# @cdktf/hcl2json (HashiCorp's hcl/v2 parser as WebAssembly) and js-yaml (for the rendered cloud-init).
set -eu
here=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
exec npm install --prefix "$here/.tools" --no-audit --no-fund --no-save --loglevel=error \
  @cdktf/hcl2json@0.21.0 js-yaml@4.1.0
