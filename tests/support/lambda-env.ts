/**
 * Variables the AutomationFunction construct gives every function, set before a test imports
 * handler code (shared/settings.ts validates them at module load). Import it first:
 * `import '../../support/lambda-env.js';`. Values already set win.
 */
process.env.ENVIRONMENT ??= 'dev';
process.env.POWERTOOLS_SERVICE_NAME ??= 'interactions-automation';
