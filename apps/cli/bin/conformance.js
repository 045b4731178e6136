#!/usr/bin/env node
// Launcher for the conformance runner (npm run conformance -- DIR... [--json FILE]).
import { conformanceMain } from '../dist/conformance.js';

conformanceMain(process.argv.slice(2)).then((code) => process.exit(code));
