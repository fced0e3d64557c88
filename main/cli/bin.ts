#!/usr/bin/env node
/** The `rampart` executable: runs the CLI and exits with its code. */
import { main } from './index.js';

void main(process.argv).then((code) => process.exit(code));
