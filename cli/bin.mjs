#!/usr/bin/env node
// The package's `bin`: node cannot run TypeScript itself, so load the real entry through tsx's API,
// resolved from this package's own node_modules (works from any working directory).
import { tsImport } from 'tsx/esm/api';

await tsImport('./bin.ts', import.meta.url);
