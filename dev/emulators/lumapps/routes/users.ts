import { type Reply, reply } from '../../shared/http.ts';
import { queryFingerprint } from '../cursor.ts';
import { applySelection } from '../partial-response.ts';
import { userMatches } from '../store.ts';
import { ACCOUNT_TYPES } from '../types.ts';
import type { RouteContext } from './context.ts';
import { apiError } from './errors.ts';
import { listingPage } from './listing.ts';
import { booleanParam, enumParam, fieldsParam, repeated } from './params.ts';

/**
 * GET user/list. Hidden users are left out unless `showHidden=true`; without `status` both
 * enabled and disabled users are listed (the parameter is a filter with no default).
 */
export function listUsers(ctx: RouteContext): Reply {
  const { query } = ctx.request;
  const showHidden = booleanParam(query, 'showHidden');
  if (!showHidden.ok) return showHidden.reply;
  const status = enumParam(query, 'status', ['enabled', 'disabled'] as const);
  if (!status.ok) return status.reply;
  const types = repeated(query, 'types');
  const unknownType = types.find((type) => !(ACCOUNT_TYPES as readonly string[]).includes(type));
  if (unknownType !== undefined) {
    return apiError(
      400,
      `Invalid value '${unknownType}' for types: expected one of ${ACCOUNT_TYPES.join(', ')}.`,
    );
  }
  const filter = {
    showHidden: showHidden.value,
    status: status.value,
    feeds: repeated(query, 'feeds'),
    types,
  };
  return listingPage(ctx, {
    kind: 'users-list',
    table: ctx.store.users,
    matches: userMatches(filter),
    fingerprint: queryFingerprint('user/list', {
      showHidden: [String(filter.showHidden)],
      status: filter.status === undefined ? [] : [filter.status],
      feeds: filter.feeds,
      types: filter.types,
    }),
    cursorOnLastPage: true,
  });
}

/**
 * GET user/get?email=…|uid=…. With neither (or both empty) it answers the user the token acts
 * as: the documented quirk that makes a dropped parameter look like success.
 */
export function getUser(ctx: RouteContext): Reply {
  const { query } = ctx.request;
  const fields = fieldsParam(query);
  if (!fields.ok) return fields.reply;
  const email = query.get('email') ?? '';
  const uid = query.get('uid') ?? '';
  const user =
    email !== ''
      ? ctx.store.findUserByEmail(email)
      : uid !== ''
        ? ctx.store.users.get(uid)
        : ctx.store.findUserByEmail(ctx.actingEmail);
  if (user === undefined) return apiError(404, 'User not found.');
  return reply(200, fields.value === undefined ? user : applySelection(user, fields.value));
}
