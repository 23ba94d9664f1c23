/** Where in a response a validation issue is, for people: `users[2].first_name`, or `the body`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the body';
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}
