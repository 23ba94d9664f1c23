import type { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import type { CanonicalGroup, CanonicalUser } from '../../functions/shared/model.ts';
import {
  type CsvRow,
  csvLine,
  csvStream,
  excelCsvOptions,
  groupsCsv,
  membershipGroupKeys,
  membershipsCsvHeader,
  userCsvLine,
  userCsvParts,
  userCsvRow,
  usersCsvHeader,
} from '../../functions/snapshot/csv.ts';

const BOM = '\uFEFF';

describe('CSV for auditors', () => {
  it('starts with a UTF-8 BOM, ends every line with CRLF and has a header row', async () => {
    const bytes = await read(csvStream(['a', 'b'], [['1', '2']]));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toBe(`${BOM}a,b\r\n1,2\r\n`);
  });

  it('writes the header even when there are no rows', async () => {
    expect(await text(csvStream(['user_key', 'group_key'], []))).toBe(`${BOM}user_key,group_key\r\n`);
  });

  it('quotes only cells with a comma, a quote, a line break, a semicolon or a tab, doubling quotes', async () => {
    const csv = await text(
      csvStream(
        ['v'],
        [['plain'], ['a,b'], ['say "hi"'], ['two\nlines'], ['cr\ronly'], ['x;y'], ['x\ty'], ['x y']],
      ),
    );
    expect(csv).toBe(
      `${BOM}v\r\nplain\r\n"a,b"\r\n"say ""hi"""\r\n"two\nlines"\r\n"cr\ronly"\r\n"x;y"\r\n"x\ty"\r\nx y\r\n`,
    );
  });

  it.each(['=', '+', '-', '@', '\t', '\r'])(
    'neutralises a text cell starting with %j by prefixing a quote',
    async (lead) => {
      const values = [`${lead}1+2`, `${lead}HYPERLINK("http://evil.example","click")`];
      const [, row] = parse(await text(csvStream(['plain', 'quoted'], [values])));
      expect(row).toEqual(values.map((value) => `'${value}`));
    },
  );

  it('neutralises the classic payloads, keeps numbers and harmless text as they are', async () => {
    const rows: CsvRow[] = [['=1+1', -5, 0, '-', 'a=b', ' =not-first', '@SUM(A1)', 3.5]];
    const [, row] = parse(await text(csvStream(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], rows)));
    expect(row).toEqual(["'=1+1", '-5', '0', "'-", 'a=b', ' =not-first', "'@SUM(A1)", '3.5']);
  });

  it('writes null and undefined as empty cells, booleans as true/false', async () => {
    const csv = await text(csvStream(['a', 'b', 'c', 'd', 'e'], [[null, undefined, true, false, '']]));
    expect(csv).toBe(`${BOM}a,b,c,d,e\r\n,,true,false,\r\n`);
  });

  it('round-trips hostile names exactly: commas, quotes, new lines, emoji, right-to-left text', async () => {
    const names = [
      'Smith, John',
      'O\'Brien "The Boss"',
      'line one\nline two\r\nline three',
      'Zoë 😀👩‍👩‍👧 名前',
      'مرحبا بالعالم',
      '\u202Eevil\u202C.exe',
      '  spaced  ',
      '"',
      ',',
      '',
    ];
    const parsed = parse(
      await text(
        csvStream(
          ['name'],
          names.map((name) => [name]),
        ),
      ),
    );
    expect(parsed.slice(1).map(([name]) => name)).toEqual(names);
  });
});

describe('the same bytes as csv-stringify with the documented options', () => {
  const reference = (header: readonly string[], rows: CsvRow[]) =>
    stringify(rows as unknown[][], { ...excelCsvOptions, columns: [...header] });

  it('for hostile cells, empty cells, numbers and booleans', async () => {
    const rows: CsvRow[] = [
      ['=1+1', '+1', '-1', '@x', '\tx', '\rx', '\uFF1Dx', 'a,b', 'say "hi"', 'a\nb'],
      [null, undefined, '', true, false, 0, -12.5, 1e21, '😀', 'مرحبا'],
      ["'", '""', ',', '\r\n', ' ', '-', '=', 'plain', 'a;b', '\u202E'],
    ];
    const header = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    expect(await text(csvStream(header, rows))).toBe(reference(header, rows));
  });

  it('for 2,000 random rows drawn from the characters that matter', async () => {
    const alphabet = [
      'a',
      'Z',
      ' ',
      ',',
      '"',
      '\r',
      '\n',
      '\t',
      '=',
      '+',
      '-',
      '@',
      "'",
      ';',
      'é',
      '😀',
      'ש',
    ];
    let seed = 42;
    const random = (below: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % below;
    };
    const randomCell = (): string =>
      Array.from({ length: random(6) }, () => alphabet[random(alphabet.length)]).join('');
    const rows: CsvRow[] = Array.from({ length: 2_000 }, () => [randomCell(), randomCell(), randomCell()]);
    expect(await text(csvStream(['x', 'y', 'z'], rows))).toBe(reference(['x', 'y', 'z'], rows));
  });

  it('for a header without rows', async () => {
    expect(await text(csvStream(['user_key', 'group_key'], []))).toBe(
      reference(['user_key', 'group_key'], []),
    );
  });
});

describe('snapshot CSV files', () => {
  const users: CanonicalUser[] = [
    {
      key: 'ada@example.com',
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace, Countess',
      status: 'active',
      groups: ['Writers', 'Admins'],
      lastLoginAt: '2026-11-20T08:00:00Z',
      passwordUpdatedAt: null,
      mfaEnabled: true,
      createdAt: '2024-01-01T00:00:00Z',
      raw: { anything: 1 },
    },
    {
      key: 'bob@example.com',
      id: '=cmd',
      status: 'disabled',
      groups: ['Readers', 'Readers'],
      lastLoginAt: null,
      mfaEnabled: false,
      raw: {},
    },
    { key: 'zed@example.com', status: 'unknown', groups: [], raw: null },
  ];

  const names = new Map([
    ['Writers', 'Writers; Editors'],
    ['Admins', 'Administrators'],
  ]);
  const nameOf = (key: string) => names.get(key) ?? key;

  it('users.csv has the documented columns, group names and keys joined with "; ", absent and empty fields blank', async () => {
    const rows = parse(
      await text(
        csvStream(
          usersCsvHeader,
          users.map((user) => userCsvRow(user, nameOf)),
        ),
      ),
    );
    expect(rows[0]).toEqual([...usersCsvHeader]);
    expect(rows[0]?.join(',')).toBe(
      'key,id,email,first_name,last_name,status,groups,last_login_at,password_updated_at,mfa_enabled,created_at,group_keys',
    );
    expect(rows.slice(1)).toEqual([
      [
        'ada@example.com',
        '',
        'ada@example.com',
        'Ada',
        'Lovelace, Countess',
        'active',
        'Writers; Editors; Administrators',
        '2026-11-20T08:00:00Z',
        '',
        'true',
        '2024-01-01T00:00:00Z',
        'Writers; Admins',
      ],
      [
        'bob@example.com',
        "'=cmd",
        '',
        '',
        '',
        'disabled',
        'Readers; Readers',
        '',
        '',
        'false',
        '',
        'Readers; Readers',
      ],
      ['zed@example.com', '', '', '', '', 'unknown', '', '', '', '', '', ''],
    ]);
  });

  it('writes the same users.csv line from the parts the export keeps until the group names are known', () => {
    for (const user of users) {
      expect(userCsvLine(userCsvParts(user), user.groups, nameOf)).toBe(csvLine(userCsvRow(user, nameOf)));
    }
  });

  it('groups.csv has the documented columns and the member count as a number', async () => {
    const groups: CanonicalGroup[] = [
      {
        key: 'Admins',
        id: '7',
        name: 'Admins',
        access: 'all',
        description: '+ everything',
        memberCount: 1,
        raw: {},
      },
      { key: 'Readers', name: 'Readers', memberCount: 0, raw: {} },
    ];
    expect(parse(await text(groupsCsv(groups)))).toEqual([
      ['key', 'id', 'name', 'access', 'description', 'member_count'],
      ['Admins', '7', 'Admins', 'all', "'+ everything", '1'],
      ['Readers', '', 'Readers', '', '', '0'],
    ]);
  });

  it('memberships.csv has the user e-mail and group name beside the keys', async () => {
    const rows = users.flatMap((user) =>
      membershipGroupKeys(user).map((group) => [user.key, group, user.email, nameOf(group)]),
    );
    expect(parse(await text(csvStream(membershipsCsvHeader, rows)))).toEqual([
      ['user_key', 'group_key', 'user_email', 'group_name'],
      ['ada@example.com', 'Admins', 'ada@example.com', 'Administrators'],
      ['ada@example.com', 'Writers', 'ada@example.com', 'Writers; Editors'],
      ['bob@example.com', 'Readers', '', 'Readers'],
    ]);
  });

  it('streams: a 20,000-row file arrives in many chunks, not one string', async () => {
    const many = Array.from(
      { length: 20_000 },
      (_, index) => ({ ...users[2], key: `user-${index}` }) as CanonicalUser,
    );
    const sizes: number[] = [];
    for await (const chunk of csvStream(
      usersCsvHeader,
      many.map((user) => userCsvRow(user, nameOf)),
    ))
      sizes.push((chunk as Buffer).length);
    expect(sizes.length).toBeGreaterThan(5);
    expect(Math.max(...sizes)).toBeLessThan(256 * 1024);
  });
});

async function read(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function text(stream: Readable): Promise<string> {
  return (await read(stream)).toString('utf8');
}

/**
 * A strict RFC 4180 reader for the tests (csv-parse is not a dependency): expects the BOM,
 * CRLF between records, and quotes only around whole cells.
 */
function parse(csv: string): string[][] {
  expect(csv.startsWith(BOM)).toBe(true);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 1;
  while (i < csv.length) {
    const char = csv[i] as string;
    if (char === '"' && cell === '') {
      const end = closingQuote(csv, i + 1);
      cell = csv.slice(i + 1, end).replaceAll('""', '"');
      i = end + 1;
      const next = csv[i];
      expect(next === ',' || next === '\r', `a quoted cell must end the field at ${i}`).toBe(true);
    } else if (char === ',') {
      row.push(cell);
      cell = '';
      i++;
    } else if (char === '\r') {
      expect(csv[i + 1], `a record must end with CRLF at ${i}`).toBe('\n');
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 2;
    } else {
      expect(char, `an unquoted cell may not hold a quote or a line feed at ${i}`).not.toMatch(/["\n]/);
      cell += char;
      i++;
    }
  }
  expect(row, 'the last record must end with CRLF').toEqual([]);
  return rows;
}

function closingQuote(csv: string, from: number): number {
  let i = from;
  for (;;) {
    const quote = csv.indexOf('"', i);
    expect(quote, 'unterminated quoted cell').toBeGreaterThanOrEqual(0);
    if (csv[quote + 1] !== '"') return quote;
    i = quote + 2;
  }
}
