import { type Reply, reply } from '../../shared/http.ts';
import type { SiteStore } from '../store.ts';
import type { LumAppsUser, LumAppsUserStatus } from '../types.ts';
import {
  type Body,
  jsonBody,
  nonBlankString,
  optionalBoolean,
  optionalEnum,
  optionalString,
  recordId,
  refuse,
  requiredString,
} from './body.ts';
import type { RouteContext } from './context.ts';
import { apiError } from './errors.ts';
import type { Parsed } from './params.ts';

const STATUSES: readonly LumAppsUserStatus[] = ['enabled', 'disabled'];
/** Loose on purpose: one `@` with something either side, no white space. */
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** What user/save may change on a user, from either form of the body. */
interface Changes {
  readonly firstName: string | undefined;
  readonly lastName: string | undefined;
  readonly status: LumAppsUserStatus | undefined;
  readonly isHidden: boolean | undefined;
}

function changesOf(body: Body): Parsed<Changes> {
  const firstName = nonBlankString(body, 'firstName');
  if (!firstName.ok) return firstName;
  const lastName = nonBlankString(body, 'lastName');
  if (!lastName.ok) return lastName;
  const status = optionalEnum(body, 'status', STATUSES);
  if (!status.ok) return status;
  const isHidden = optionalBoolean(body, 'isHidden');
  if (!isHidden.ok) return isHidden;
  return {
    ok: true,
    value: {
      firstName: firstName.value,
      lastName: lastName.value,
      status: status.value,
      isHidden: isHidden.value,
    },
  };
}

/**
 * POST user/save: the body is a User. Without an `id` (or `uid`) it creates an external user;
 * with one it updates that user from the whole object, as the vendor's examples do (get, change,
 * save). Only `firstName`, `lastName`, `status` and `isHidden` can change; every other field of
 * the body (subscriptions, accountType, admin rights, timestamps…) is ignored: memberships change
 * through feed/subscribers/save only. There is no user delete.
 */
export function saveUser(ctx: RouteContext): Reply {
  const body = jsonBody(ctx.request.body.text);
  if (!body.ok) return body.reply;
  const id = recordId(body.value);
  if (!id.ok) return id.reply;
  return id.value === undefined
    ? createUser(ctx.store, body.value)
    : updateUser(ctx.store, id.value, body.value);
}

function createUser(store: SiteStore, body: Body): Reply {
  const email = requiredString(body, 'email');
  if (!email.ok) return email.reply;
  const address = email.value.trim();
  if (!EMAIL.test(address)) return apiError(400, 'Invalid email address.');
  const firstName = requiredString(body, 'firstName');
  if (!firstName.ok) return firstName.reply;
  const lastName = requiredString(body, 'lastName');
  if (!lastName.ok) return lastName.reply;
  const accountType = requiredString(body, 'accountType');
  if (!accountType.ok) return accountType.reply;
  if (accountType.value !== 'external') {
    // The vendor's example says it must be 'external': other accounts come from their identity provider.
    return apiError(
      400,
      'Only external accounts can be created through the API: accountType must be "external".',
    );
  }
  const changes = changesOf(body);
  if (!changes.ok) return changes.reply;
  const password = checkPassword(body);
  if (!password.ok) return password.reply;
  if (store.findUserByEmail(address) !== undefined) {
    return apiError(409, `A user with the email ${address} already exists.`);
  }

  const id = store.issueId();
  const now = store.timestamp();
  const first = firstName.value.trim();
  const last = lastName.value.trim();
  const user: LumAppsUser = {
    id,
    uid: id,
    email: address,
    firstName: first,
    lastName: last,
    fullName: `${first} ${last}`,
    accountType: 'external',
    status: changes.value.status ?? 'enabled',
    isHidden: changes.value.isHidden ?? false,
    createdAt: now,
    updatedAt: now,
    customer: store.organizationId,
    isSuperAdmin: false,
    instancesSuperAdmin: [],
    lang: 'en',
    langs: ['en'],
    subscriptions: [],
    synchronized: false,
    // Without a password the account cannot sign in until one is set; the password is never kept.
    changePasswordAtNextLogin: password.value,
  };
  store.users.insert(user);
  return reply(200, user);
}

/** `password` with a matching `rePassword`, both optional; true when one was set. */
function checkPassword(body: Body): Parsed<boolean> {
  const password = optionalString(body, 'password');
  if (!password.ok) return password;
  const again = optionalString(body, 'rePassword');
  if (!again.ok) return again;
  if (password.value === undefined || password.value === '') {
    return again.value === undefined || again.value === ''
      ? { ok: true, value: false }
      : refuse('rePassword is set without a password.');
  }
  return password.value === again.value ? { ok: true, value: true } : refuse('The passwords do not match.');
}

function updateUser(store: SiteStore, id: string, body: Body): Reply {
  const user = store.users.get(id);
  if (user === undefined) return apiError(404, 'User not found.');
  // The whole object is sent back: an update without its e-mail is a partial object.
  const email = requiredString(body, 'email');
  if (!email.ok) return email.reply;
  if (email.value.trim().toLowerCase() !== user.email.toLowerCase()) {
    return apiError(400, 'The email of an existing user cannot be changed through user/save.');
  }
  const changes = changesOf(body);
  if (!changes.ok) return changes.reply;
  const { firstName, lastName, status, isHidden } = changes.value;
  if (firstName !== undefined) user.firstName = firstName.trim();
  if (lastName !== undefined) user.lastName = lastName.trim();
  user.fullName = `${user.firstName} ${user.lastName}`;
  if (status !== undefined) user.status = status;
  if (isHidden !== undefined) user.isHidden = isHidden;
  user.updatedAt = store.timestamp();
  return reply(200, user);
}
