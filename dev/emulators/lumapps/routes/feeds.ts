import type { Reply } from '../../shared/http.ts';
import { queryFingerprint } from '../cursor.ts';
import type { RouteContext } from './context.ts';
import { listingPage } from './listing.ts';

/**
 * GET feed/list: every feed of the organisation (platform and instance feeds alike) unless
 * `instance` or `type` narrows it. The last page leaves the cursor out.
 */
export function listFeeds(ctx: RouteContext): Reply {
  const { query } = ctx.request;
  const instance = query.get('instance') ?? '';
  const type = query.get('type') ?? '';
  return listingPage(ctx, {
    kind: 'groups-list',
    table: ctx.store.feeds,
    matches: (feed) => (instance === '' || feed.instance === instance) && (type === '' || feed.type === type),
    fingerprint: queryFingerprint('feed/list', {
      instance: instance === '' ? [] : [instance],
      type: type === '' ? [] : [type],
    }),
    cursorOnLastPage: false,
  });
}
