#!/usr/bin/env node
// Launcher for the compiled CLI (npm run build produces dist/).
import { main } from '../dist/main.js';

main(process.argv.slice(2)).then((code) => process.exit(code));
