import type { Readable } from 'node:stream';
import type { MembershipChange, MembershipTally, UserChange, UserRef } from '../diff/model.ts';
import type { DiffOutcome, DiffSink } from '../diff/user-differ.ts';
import { csvHeaderLine } from '../snapshot/csv.ts';
import { CappedList } from './capped.ts';
import { changeLineWriter, changesCsvHeader, groupChangeLines, userGroupsCells } from './changes-csv.ts';
import type { DiffReport } from './report-model.ts';
import { type BodyPart, concatBody, type SpillDir, type SpillFile } from './spill.ts';

/** Elements of the per-user lists sit at this depth of diff.json (`JSON.stringify(diff, null, 2)`). */
const ELEMENT_INDENT = '      ';

/** One list of diff.json, written element by element as `,\n      {…}` (the first comma is skipped). */
class JsonList {
  count = 0;
  constructor(readonly file: SpillFile) {}

  add(value: unknown): void {
    this.count++;
    this.file.write(`,\n${ELEMENT_INDENT}${indented(value, ELEMENT_INDENT)}`);
  }

  /** The array as JSON.stringify with an indent of 2 writes it at this depth. */
  parts(): BodyPart[] {
    if (this.count === 0) return ['[]'];
    return ['[', { file: this.file, skip: 1 }, '\n    ]'];
  }
}

/** A per-user list of the diff: its changes.csv rows, its diff.json elements, the rows the page shows. */
class ChangeList<T> {
  readonly csv: SpillFile;
  readonly json: JsonList;
  readonly capped = new CappedList<T>();
  constructor(spill: SpillDir) {
    this.csv = spill.file();
    this.json = new JsonList(spill.file());
  }

  add(item: T, csvLines: string): void {
    this.csv.write(csvLines);
    this.json.add(item);
    this.capped.add(item);
  }
}

/**
 * Takes the diff's changes as the walk finds them (user by user, in key order) and writes
 * changes.csv and diff.json — byte for byte what they were when the diff was built in memory —
 * through spill files, one per list, concatenated at the end. `byUser` (most changed first) is
 * spilled per number of changes, each bucket in key order, and the buckets are read from the
 * largest number down: the same order as sorting, without holding the tallies.
 */
export class ChangesOutput implements DiffSink {
  private readonly usersAdded: ChangeList<UserRef>;
  private readonly usersRemoved: ChangeList<UserRef>;
  private readonly usersChanged: ChangeList<UserChange>;
  private readonly gainedList: ChangeList<MembershipChange>;
  private readonly lostList: ChangeList<MembershipChange>;
  private readonly byUser = new Map<number, JsonList>();
  private readonly line: ReturnType<typeof changeLineWriter>;

  constructor(
    private readonly spill: SpillDir,
    site: string,
    fromRunId: string,
    toRunId: string,
  ) {
    this.line = changeLineWriter(site, fromRunId, toRunId);
    this.usersAdded = new ChangeList(spill);
    this.usersRemoved = new ChangeList(spill);
    this.usersChanged = new ChangeList(spill);
    this.gainedList = new ChangeList(spill);
    this.lostList = new ChangeList(spill);
  }

  added(user: UserRef): void {
    this.usersAdded.add(user, this.line('user-added', userGroupsCells(user, 'after')));
  }

  removed(user: UserRef): void {
    this.usersRemoved.add(user, this.line('user-removed', userGroupsCells(user, 'before')));
  }

  changed(change: UserChange): void {
    let lines = '';
    for (const field of change.changes)
      lines += this.line('user-changed', { userKey: change.key, email: change.email, ...field });
    this.usersChanged.add(change, lines);
  }

  gained(change: MembershipChange): void {
    this.gainedList.add(change, this.line('membership-gained', change));
  }

  lost(change: MembershipChange): void {
    this.lostList.add(change, this.line('membership-lost', change));
  }

  userTally(tally: MembershipTally): void {
    const changes = tally.gained + tally.lost;
    let bucket = this.byUser.get(changes);
    if (bucket === undefined) {
      bucket = new JsonList(this.spill.file());
      this.byUser.set(changes, bucket);
    }
    bucket.add(tally);
  }

  report(outcome: DiffOutcome): DiffReport {
    return {
      fromRunId: outcome.fromRunId,
      toRunId: outcome.toRunId,
      users: {
        added: this.usersAdded.capped,
        removed: this.usersRemoved.capped,
        changed: this.usersChanged.capped,
        activity: outcome.users.activity,
      },
      groups: outcome.groups,
      memberships: {
        gained: this.gainedList.capped,
        lost: this.lostList.capped,
        byGroup: outcome.memberships.byGroup,
      },
      verdict: outcome.verdict,
    };
  }

  csvBody(outcome: DiffOutcome): Readable {
    const file = (list: ChangeList<unknown>): BodyPart => ({ file: list.csv });
    return concatBody([
      csvHeaderLine(changesCsvHeader),
      file(this.usersAdded),
      file(this.usersRemoved),
      file(this.usersChanged),
      groupChangeLines(this.line, outcome.groups),
      file(this.gainedList),
      file(this.lostList),
    ]);
  }

  /** diff.json: exactly `JSON.stringify(diff, null, 2)` of the whole diff, written in pieces. */
  jsonBody(outcome: DiffOutcome): Readable {
    const buckets = [...this.byUser.entries()].sort(([a], [b]) => b - a).map(([, list]) => list);
    const byUser: BodyPart[] =
      buckets.length === 0
        ? ['[]']
        : [
            '[',
            ...buckets.map(
              (list, index): BodyPart => (index === 0 ? { file: list.file, skip: 1 } : { file: list.file }),
            ),
            '\n    ]',
          ];
    return concatBody([
      `{\n  "fromRunId": ${JSON.stringify(outcome.fromRunId)},\n  "toRunId": ${JSON.stringify(outcome.toRunId)},\n`,
      '  "users": {\n    "added": ',
      ...this.usersAdded.json.parts(),
      ',\n    "removed": ',
      ...this.usersRemoved.json.parts(),
      ',\n    "changed": ',
      ...this.usersChanged.json.parts(),
      `,\n    "activity": ${outcome.users.activity}\n  },\n`,
      `  "groups": ${indented(outcome.groups, '  ')},\n`,
      '  "memberships": {\n    "gained": ',
      ...this.gainedList.json.parts(),
      ',\n    "lost": ',
      ...this.lostList.json.parts(),
      ',\n    "byUser": ',
      ...byUser,
      `,\n    "byGroup": ${indented(outcome.memberships.byGroup, '    ')}\n  },\n`,
      `  "verdict": ${indented(outcome.verdict, '  ')}\n}\n`,
    ]);
  }
}

/** `JSON.stringify(value, null, 2)` as it reads nested `indent` deep (JSON text has no raw newline in a string). */
function indented(value: unknown, indent: string): string {
  return JSON.stringify(value, null, 2).replaceAll('\n', `\n${indent}`);
}
