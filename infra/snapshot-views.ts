import { groupsCsvHeader, usersCsvHeader } from '../functions/snapshot/csv.ts';
import { snapshotFiles } from '../functions/snapshot/layout.ts';

/** A column of the raw table: its SQL name, the snapshot's JSON field, its Hive type. */
export interface LineColumn {
  readonly name: string;
  readonly json: string;
  readonly hiveType: string;
}

/** A column as a view exposes it, in both of the type systems the Glue catalog keeps. */
export interface ViewColumn {
  readonly name: string;
  readonly hiveType: string;
  readonly prestoType: string;
}

const text = (name: string, json = name): LineColumn => ({ name, json, hiveType: 'string' });

/** Every field of a canonical user or group line (DESIGN.md's canonical model), `raw` excepted. */
export const snapshotLinesColumns: readonly LineColumn[] = [
  text('key'),
  text('id'),
  text('email'),
  text('first_name', 'firstName'),
  text('last_name', 'lastName'),
  text('status'),
  { name: 'groups', json: 'groups', hiveType: 'array<string>' },
  text('last_login_at', 'lastLoginAt'),
  text('password_updated_at', 'passwordUpdatedAt'),
  { name: 'mfa_enabled', json: 'mfaEnabled', hiveType: 'boolean' },
  text('created_at', 'createdAt'),
  text('name'),
  text('access'),
  text('description'),
  { name: 'member_count', json: 'memberCount', hiveType: 'bigint' },
];

const prestoTypes: Record<string, string> = {
  string: 'varchar',
  'array<string>': 'array(varchar)',
  boolean: 'boolean',
  bigint: 'bigint',
};

export interface SnapshotView {
  readonly name: string;
  readonly description: string;
  readonly sql: string;
  readonly columns: readonly ViewColumn[];
  /** The view as Athena stores it in the Glue catalog. */
  readonly prestoViewText: string;
}

/**
 * `users` and `groups`, with the columns of users.csv and groups.csv: one row per record and run, read only from the file that holds that
 * kind of record, with the site, the day and the run id beside each row.
 */
export function snapshotViews(databaseName: string): SnapshotView[] {
  return [
    view(
      databaseName,
      'users',
      'One row per user in every snapshot (site, day, run_id, then the canonical fields).',
      snapshotFiles.usersJsonl,
      // The lines hold each user's group keys, not names: the view's `groups` is what users.csv
      // calls `group_keys` (its `groups` names them from groups.jsonl.gz, which a view can join).
      usersCsvHeader.filter((column) => column !== 'group_keys'),
    ),
    view(
      databaseName,
      'groups',
      'One row per group in every snapshot (site, day, run_id, then the canonical fields).',
      snapshotFiles.groupsJsonl,
      groupsCsvHeader,
    ),
  ];
}

function view(
  databaseName: string,
  name: string,
  description: string,
  fileName: string,
  fields: readonly string[],
): SnapshotView {
  const lineColumns = fields.map((field) => {
    const column = snapshotLinesColumns.find((candidate) => candidate.name === field);
    if (!column) throw new Error(`no snapshot column ${field}`);
    return column;
  });
  const columns: ViewColumn[] = [
    { name: 'site', hiveType: 'string', prestoType: 'varchar' },
    { name: 'day', hiveType: 'string', prestoType: 'varchar' },
    { name: 'run_id', hiveType: 'string', prestoType: 'varchar' },
    ...lineColumns.map(({ name: column, hiveType }) => ({
      name: column,
      hiveType,
      prestoType: prestoTypes[hiveType] ?? 'varchar',
    })),
  ];
  const sql = [
    'SELECT site, day,',
    `  regexp_extract("$path", '/run=([0-9]{8}T[0-9]{6}Z)/', 1) AS run_id,`,
    `  ${fields.map((field) => `"${field}"`).join(', ')}`,
    `FROM "${databaseName}"."snapshot_lines"`,
    `WHERE "$path" LIKE '%/${fileName}' AND "key" IS NOT NULL`,
  ].join('\n');
  const definition = {
    originalSql: sql,
    catalog: 'awsdatacatalog',
    schema: databaseName,
    columns: columns.map(({ name: column, prestoType }) => ({ name: column, type: prestoType })),
    owner: 'rollcall',
    runAsInvoker: false,
    properties: {},
  };
  return {
    name,
    description,
    sql,
    columns,
    prestoViewText: `/* Presto View: ${Buffer.from(JSON.stringify(definition)).toString('base64')} */`,
  };
}
