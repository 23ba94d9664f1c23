/** The six files of a run's folder as DESIGN.md names them, in the order a store lists them. */
export const SNAPSHOT_FILE_NAMES = [
  'groups.csv',
  'groups.jsonl.gz',
  'manifest.json',
  'memberships.csv',
  'users.csv',
  'users.jsonl.gz',
] as const;
