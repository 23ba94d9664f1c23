import { message, type Reply, reply } from '../../shared/http.ts';
import type { RequestContext } from './context.ts';

/**
 * /api/v1/dashboards: `{dashboards, next_page_start, items_this_page}` (CS-DASH); no total.
 * `next_page_start` is the id of the next page's first dashboard, sent as the integer it is,
 * and a page asked for with it starts with that dashboard: no overlap, nothing skipped.
 */
export function dashboardsRoute(ctx: RequestContext): Reply {
  const raw = ctx.request.query.get('next_page_start');
  let start: number | undefined;
  if (raw !== null && raw !== '') {
    start = Number(raw);
    if (!Number.isSafeInteger(start)) return message(400, 'next_page_start must be a dashboard id');
  }
  const page = ctx.store.dashboardPage(start, ctx.pageSize);
  // The shared fault plan counts listing pages of two kinds; this is the paged listing on the
  // role side, so a repeat-cursor fault scoped to 'groups-list' applies here.
  const next = ctx.listingPage(
    'groups-list',
    page.next === null ? null : String(page.next),
    page.records[0] === undefined ? null : String(page.records[0].id),
  );
  return reply(200, {
    dashboards: page.records.map((dashboard) => ({ id: dashboard.id, name: dashboard.name })),
    next_page_start: next === null ? null : Number(next),
    items_this_page: page.records.length,
  });
}
