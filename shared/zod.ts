/**
 * The zod of the functions: `zod/mini`, whose functional API lets esbuild keep only the schemas and
 * checks used (19-27 KB of zod per bundle instead of 83-91 KB with classic `zod`: bundle size, hence
 * cold-start time), plus the English messages (2.6 KB) classic zod loads by default. Without them every issue reads
 * "Invalid input", and ValidationError and the settings errors would no longer say what is wrong.
 * Import it as `import * as z from '<...>/shared/zod.js'`, never `import { z }` (that keeps every
 * export, all locales included).
 */
import { en } from 'zod/locales';
import * as z from 'zod/mini';

// `en` from 'zod/locales', not `z.locales.en()`: the nested namespace drags in all 60 locales (+260 KB).
z.config(en());

export * from 'zod/mini';
