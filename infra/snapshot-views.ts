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

const textLine = (name: string, json = name): LineColumn => ({ name, json, hiveType: 'string' });

/** Every field of a canonical user or group line (DESIGN.md's canonical model), `raw` excepted. */
export const snapshotLinesColumns: readonly LineColumn[] = [
  textLine('key'),
  textLine('id'),
  textLine('email'),
  textLine('first_name', 'firstName'),
  textLine('last_name', 'lastName'),
  textLine('status'),
  { name: 'groups', json: 'groups', hiveType: 'array<string>' },
  textLine('last_login_at', 'lastLoginAt'),
  textLine('password_updated_at', 'passwordUpdatedAt'),
  { name: 'mfa_enabled', json: 'mfaEnabled', hiveType: 'boolean' },
  textLine('created_at', 'createdAt'),
  textLine('name'),
  textLine('access'),
  textLine('description'),
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

/** The table of every line of every run folder's files as plain text: manifests are read from it. */
export const FILE_LINES_TABLE = 'snapshot_file_lines';
const LINES_TABLE = 'snapshot_lines';

const RUN_ID_OF_PATH = `regexp_extract("$path", '/run=([0-9]{8}T[0-9]{6}Z)/', 1)`;
const text = (name: string): ViewColumn => ({ name, hiveType: 'string', prestoType: 'varchar' });
const flag = (name: string): ViewColumn => ({ name, hiveType: 'boolean', prestoType: 'boolean' });
const RUN_COLUMNS: readonly ViewColumn[] = [
  text('site'),
  text('day'),
  text('run_id'),
  text('run_status'),
  flag('last_complete_of_day'),
];

/**
 * The views people query. `runs`: one row per run with a manifest, its status (`complete` or
 * `incomplete`) and whether it is the day's last complete run, so a query can count each night
 * once. `users` and `groups`: the columns of users.csv and groups.csv, one row per record and
 * run, with the run's columns beside each row. `memberships`: one row per user and group with the
 * group's name, read from the groups file of the same run and joined by key, so it names groups
 * on every source (Periscope v2, LumApps and Trivore key groups by id).
 */
export function snapshotViews(databaseName: string): SnapshotView[] {
  const table = (name: string) => `"${databaseName}"."${name}"`;
  const runs = view(
    databaseName,
    'runs',
    'One row per run of every site (site, day, run_id, run_status, last_complete_of_day), read from its manifest.json.',
    RUN_COLUMNS,
    [
      'SELECT site, day, run_id, run_status,',
      "  run_status = 'complete' AND run_id = max(CASE WHEN run_status = 'complete' THEN run_id END)",
      '    OVER (PARTITION BY site, day) AS last_complete_of_day',
      'FROM (',
      `  SELECT site, day, ${RUN_ID_OF_PATH} AS run_id,`,
      `    regexp_extract(line, '^  "status": "([a-z]+)"', 1) AS run_status`,
      `  FROM ${table(FILE_LINES_TABLE)}`,
      // rollcall writes the manifest indented by two spaces: the run's own status is the only
      // line that starts with exactly two spaces and "status".
      `  WHERE "$path" LIKE '%/${snapshotFiles.manifest}' AND regexp_like(line, '^  "status": "')`,
      ')',
    ],
  );
  const records = (name: string, fileName: string, fields: readonly string[], what: string) =>
    view(
      databaseName,
      name,
      `One row per ${what} in every snapshot (site, day, run_id, run_status, last_complete_of_day, then the canonical fields).`,
      [...RUN_COLUMNS, ...fields.map(lineColumn)],
      [
        'SELECT l.site, l.day, r.run_id, r.run_status, r.last_complete_of_day,',
        `  ${fields.map((field) => `l."${field}"`).join(', ')}`,
        `FROM ${table(LINES_TABLE)} l`,
        `JOIN ${table('runs')} r ON r.site = l.site AND r.day = l.day AND r.run_id = ${RUN_ID_OF_PATH.replace('"$path"', 'l."$path"')}`,
        `WHERE l."$path" LIKE '%/${fileName}' AND l."key" IS NOT NULL`,
      ],
    );
  const memberships = view(
    databaseName,
    'memberships',
    'One row per membership in every snapshot: the user, the group key and the group name from the same run.',
    [...RUN_COLUMNS, text('user_key'), text('user_email'), text('group_key'), text('group_name')],
    [
      'SELECT u.site, u.day, u.run_id, u.run_status, u.last_complete_of_day,',
      '  u."key" AS user_key, u.email AS user_email, m.group_key, g.name AS group_name',
      `FROM ${table('users')} u`,
      'CROSS JOIN UNNEST(u.groups) AS m(group_key)',
      `LEFT JOIN ${table('groups')} g`,
      '  ON g.site = u.site AND g.day = u.day AND g.run_id = u.run_id AND g."key" = m.group_key',
    ],
  );
  return [
    runs,
    // The lines hold each user's group keys: the view's `groups` is what users.csv calls
    // `group_keys` (users.csv's `groups` names them; the `memberships` view joins the names).
    records(
      'users',
      snapshotFiles.usersJsonl,
      usersCsvHeader.filter((column) => column !== 'group_keys'),
      'user',
    ),
    records('groups', snapshotFiles.groupsJsonl, groupsCsvHeader, 'group'),
    memberships,
  ];
}

function lineColumn(field: string): ViewColumn {
  const column = snapshotLinesColumns.find((candidate) => candidate.name === field);
  if (!column) throw new Error(`no snapshot column ${field}`);
  return {
    name: column.name,
    hiveType: column.hiveType,
    prestoType: prestoTypes[column.hiveType] ?? 'varchar',
  };
}

function view(
  databaseName: string,
  name: string,
  description: string,
  columns: readonly ViewColumn[],
  lines: readonly string[],
): SnapshotView {
  const sql = lines.join('\n');
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
