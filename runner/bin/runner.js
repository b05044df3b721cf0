#!/usr/bin/env node
// Runs the compiled CLI; `npm ci` compiles it through the `prepare` script.
import {main} from '../../dist/runner/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
