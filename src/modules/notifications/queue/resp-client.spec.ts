import { RedisReplyError, parseReply } from './resp-client';

const parse = (text: string) => parseReply(Buffer.from(text, 'utf8'), 0);

describe('parseReply (RESP2)', () => {
  it('reads simple strings, integers, bulk strings and nulls', () => {
    expect(parse('+OK\r\n')).toEqual({ value: 'OK', next: 5 });
    expect(parse(':42\r\n')).toEqual({ value: 42, next: 5 });
    expect(parse('$5\r\nhello\r\n')).toEqual({ value: 'hello', next: 11 });
    expect(parse('$-1\r\n')).toEqual({ value: null, next: 5 });
    expect(parse('*-1\r\n')).toEqual({ value: null, next: 5 });
  });

  it('counts bulk lengths in bytes, not characters', () => {
    expect(parse('$4\r\nçé\r\n')?.value).toBe('çé');
  });

  it('reads nested arrays, with error replies inside as Error values (MULTI/EXEC)', () => {
    const parsed = parse('*3\r\n:1\r\n*2\r\n$1\r\na\r\n$-1\r\n-ERR inner\r\n');
    expect(parsed?.value).toEqual([1, ['a', null], expect.any(RedisReplyError)]);
    expect(((parsed?.value as unknown[])[2] as Error).message).toBe('ERR inner');
  });

  it('returns an error reply as a RedisReplyError', () => {
    const parsed = parse('-NOSCRIPT No matching script\r\n');
    expect(parsed?.value).toBeInstanceOf(RedisReplyError);
  });

  it('waits for more bytes when a reply is incomplete', () => {
    expect(parse('$5\r\nhel')).toBeUndefined();
    expect(parse('*2\r\n:1\r\n')).toBeUndefined();
    expect(parse('+OK')).toBeUndefined();
  });

  it('parses consecutive replies from an offset', () => {
    const buffer = Buffer.from('+OK\r\n:7\r\n');
    const first = parseReply(buffer, 0)!;
    expect(parseReply(buffer, first.next)).toEqual({ value: 7, next: buffer.length });
  });

  it('refuses bytes that are not RESP', () => {
    expect(() => parse('?what\r\n')).toThrow(/unexpected RESP reply type/);
  });
});
