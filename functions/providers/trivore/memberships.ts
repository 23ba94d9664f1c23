/**
 * A warning when users name group ids the groups listing does not have. The memberships are kept
 * as they are (the user's `memberOf` is the source), but a reader of the snapshot should know
 * that those groups could not be described.
 */
export function danglingMembershipWarning(
  members: ReadonlyMap<string, number>,
  groupIds: ReadonlySet<string>,
): string | undefined {
  const missing = [...members.keys()].filter((id) => !groupIds.has(id)).sort();
  if (missing.length === 0) return undefined;
  const memberships = missing.reduce((sum, id) => sum + (members.get(id) ?? 0), 0);
  const shown = missing
    .slice(0, 3)
    .map((id) => `"${id}"`)
    .join(', ');
  const more = missing.length > 3 ? ` and ${missing.length - 3} more` : '';
  return (
    `${memberships.toLocaleString('en-US')} membership${memberships === 1 ? '' : 's'} name ` +
    `${missing.length === 1 ? 'a group id' : `${missing.length} group ids`} the groups listing does not have ` +
    `(${shown}${more}); kept in the users' groups as they are.`
  );
}
