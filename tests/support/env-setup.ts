/**
 * Runs before every test file. No test may reach AWS: credentials are fake and every SDK
 * endpoint points at a closed loopback port, so a call that escapes its mock fails at once.
 */
process.env.AWS_ACCESS_KEY_ID = 'AKIAFAKEFAKEFAKEFAKE';
process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret-for-tests';
process.env.AWS_SESSION_TOKEN = 'fake-session-token';
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_DEFAULT_REGION = 'us-east-1';
process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.CDK_VALIDATION = 'false';
process.env.POWERTOOLS_DEV = process.env.POWERTOOLS_DEV ?? 'false';
process.env.POWERTOOLS_LOG_LEVEL = process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = process.env.POWERTOOLS_METRICS_DISABLED ?? 'true';
