import type { ListedRole } from './list-roles.ts';
import { dashboardGrants } from './mapping.ts';

/**
 * What a person should know about a complete export whose parts do not quite fit together:
 * listings are read one after the other, so a role or dashboard created or removed meanwhile
 * leaves a reference that points nowhere.
 */

export function unresolvedReferencesWarning(references: readonly string[]): string | undefined {
  if (references.length === 0) return undefined;
  return (
    `${references.length} role reference(s) on user records match no listed role (first: "${references[0]}"); ` +
    'each is kept as given as the key of the membership. A role created or removed during the export does this.'
  );
}

export function danglingGrantsWarning(
  roles: readonly ListedRole[],
  dashboardNames: ReadonlyMap<string, string | null>,
): string | undefined {
  let count = 0;
  let first: string | undefined;
  for (const { record } of roles) {
    for (const grant of dashboardGrants(record)) {
      if (dashboardNames.has(grant.object_id)) continue;
      count += 1;
      first ??= `dashboard "${grant.object_id}" of role "${record.name}"`;
    }
  }
  if (first === undefined) return undefined;
  return `${count} dashboard grant(s) name dashboards the dashboards listing does not hold (first: ${first}); their names are left null.`;
}
