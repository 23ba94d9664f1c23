import type { FindingStatus, Severity } from '../../audit/model.ts';

export function severityBadge(severity: Severity): string {
  return `<span class="sev sev-${severity}">${severity}</span>`;
}

export function statusBadge(status: FindingStatus): string {
  return `<span class="status status-${status}">${status}</span>`;
}

export function yesNo(value: boolean): string {
  return value ? '<span class="yes">yes</span>' : '<span class="no">no</span>';
}
