/**
 * IAM's action matching, just enough: an action is allowed when one of the role's `allow`
 * patterns matches it (case-insensitive, `*` any run of characters, `?` one character), as IAM
 * matches the Action element. There is no Deny and no Resource/Condition evaluation.
 */

function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

export function actionAllowed(allow: readonly string[], action: string): boolean {
  return allow.some((pattern) => patternToRegExp(pattern).test(action));
}

/** `arn:aws:iam::123456789012:role/path/Name` -> `Name` (the last path segment). */
export function roleNameOf(roleArn: string): string {
  const resource = roleArn.split(':').slice(5).join(':');
  const parts = resource.split('/');
  return parts[parts.length - 1] ?? resource;
}

/** The account of an ARN (`arn:aws:iam::<account>:...`). */
export function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}
