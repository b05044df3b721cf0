#!/bin/sh
# Installs the pinned Cloud Storage emulator (firebase-tools) into this folder only; the project's
# own `npm ci` never pulls it. Safe to run again: does nothing when already installed.
set -eu
cd "$(dirname "$0")"
if [ -f node_modules/firebase-tools/lib/emulator/storage/index.js ]; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
