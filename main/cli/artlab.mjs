#!/usr/bin/env node
// The `artlab` bin: the CLI is TypeScript run through tsx (the same sources the desktop app builds from).
import { register } from 'tsx/esm/api';

register();
await import('./index.ts');
