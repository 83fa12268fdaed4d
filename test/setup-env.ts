// Mocked clients still resolve a region and credentials; give them fixed ones so no test reaches a real account.
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'AKIDTESTONLY';
process.env.AWS_SECRET_ACCESS_KEY = 'test-only-secret';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT';
