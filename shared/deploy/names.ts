/** `iam-console-mfa` -> `iamConsoleMfa` (the serverless function key). */
export function functionKey(id: string): string {
  return id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Serverless's CloudFormation logical id prefix for a function key: `iamConsoleMfa` -> `IamConsoleMfa`. */
export function logicalPrefix(key: string): string {
  return key.charAt(0).toUpperCase() + key.slice(1).replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
}

/** The Lambda's deployed name, as serverless builds it. */
export function deployedName(service: string, stage: string, key: string): string {
  return `${service}-${stage}-${key}`;
}
