/**
 * Imported first by tests that read log lines: Powertools resets the level to its initial value
 * on every warm invocation, so INFO must be the initial level (set before the logger is built).
 */
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
