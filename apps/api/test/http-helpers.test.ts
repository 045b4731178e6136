// Pure unit tests of the API's HTTP helpers: Ajv errors → field messages, byte ranges and
// ETags, Content-Disposition file names, cursors, and MACE_UPLOAD_LIMIT sizes.
import { describe, expect, it } from 'vitest';
import { contentDisposition, safeFileName } from '../src/http/content-disposition.js';
import { decodeCursor, encodeCursor } from '../src/http/pagination.js';
import { etagMatches, ifRangeAllows, parseRange } from '../src/http/range.js';
import { describeAjvError, pointerToPath } from '../src/http/validation-errors.js';
import { parseByteSize, readApiEnv } from '../src/env.js';

describe('validation errors', () => {
  it('turns JSON pointers into field paths', () => {
    expect(pointerToPath('')).toBe('');
    expect(pointerToPath('/models/0/x')).toBe('.models[0].x');
    expect(pointerToPath('/a~1b/with space')).toBe('["a/b"]["with space"]');
  });

  it('names the field for each kind of error', () => {
    expect(
      describeAjvError(
        { instancePath: '/models/0/x', keyword: 'type', params: { type: 'integer' }, message: 'must be integer' },
        'body',
      ),
    ).toEqual({ field: 'body.models[0].x', message: 'must be integer' });
    expect(
      describeAjvError({ instancePath: '/options', keyword: 'required', params: { missingProperty: 'round' } }, 'body'),
    ).toEqual({ field: 'body.options.round', message: 'is required' });
    expect(
      describeAjvError(
        { instancePath: '', keyword: 'additionalProperties', params: { additionalProperty: 'x-y' } },
        'querystring',
      ),
    ).toEqual({ field: 'query["x-y"]', message: 'is not a known field' });
    expect(describeAjvError({ instancePath: '/id', keyword: 'format', params: { format: 'uuid' } }, 'params')).toEqual({
      field: 'params.id',
      message: 'must be a valid uuid',
    });
    expect(describeAjvError({ instancePath: '', keyword: 'type', params: { type: 'object,null' } }, 'body')).toEqual({
      field: 'body',
      message: 'must be object or null',
    });
  });
});

describe('byte ranges', () => {
  it('parses single ranges against the size', () => {
    expect(parseRange(undefined, 100)).toEqual({ kind: 'none' });
    expect(parseRange('bytes=0-9', 100)).toEqual({ kind: 'range', start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ kind: 'range', start: 90, end: 99 });
    expect(parseRange('bytes=-5', 100)).toEqual({ kind: 'range', start: 95, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ kind: 'range', start: 0, end: 99 });
    expect(parseRange('bytes=50-5000', 100)).toEqual({ kind: 'range', start: 50, end: 99 });
  });

  it('ignores what it does not serve and refuses what misses the content', () => {
    expect(parseRange('items=0-9', 100)).toEqual({ kind: 'none' });
    expect(parseRange('bytes=0-1,4-5', 100)).toEqual({ kind: 'none' });
    expect(parseRange('bytes=9-3', 100)).toEqual({ kind: 'none' });
    expect(parseRange('bytes=abc', 100)).toEqual({ kind: 'none' });
    expect(parseRange('bytes=100-', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
  });

  it('compares ETags', () => {
    expect(etagMatches('"abc"', '"abc"')).toBe(true);
    expect(etagMatches('W/"abc"', '"abc"')).toBe(true);
    expect(etagMatches('"x", "abc"', '"abc"')).toBe(true);
    expect(etagMatches('*', '"abc"')).toBe(true);
    expect(etagMatches('"abcd"', '"abc"')).toBe(false);
    expect(etagMatches(undefined, '"abc"')).toBe(false);
    expect(ifRangeAllows(undefined, '"abc"')).toBe(true);
    expect(ifRangeAllows('"abc"', '"abc"')).toBe(true);
    expect(ifRangeAllows('W/"abc"', '"abc"')).toBe(false);
  });
});

describe('Content-Disposition', () => {
  it('keeps only a safe last path segment', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\models\\net.onnx')).toBe('net.onnx');
    expect(safeFileName('..')).toBe('download');
    expect(safeFileName('a\r\nb')).toBe('ab');
  });

  it('quotes safely and carries non-ASCII names in filename*', () => {
    expect(contentDisposition('report.json')).toBe(`attachment; filename="report.json"; filename*=UTF-8''report.json`);
    expect(contentDisposition('modèle "1";.bin')).toBe(
      `attachment; filename="mod_le _1__.bin"; filename*=UTF-8''mod%C3%A8le%20%221%22%3B.bin`,
    );
  });
});

describe('cursors', () => {
  it('round-trips ids and refuses anything else', () => {
    const id = '01912345-6789-7abc-8def-0123456789ab';
    expect(decodeCursor(encodeCursor(id))).toBe(id);
    expect(() => decodeCursor('garbage')).toThrow(/not a cursor/);
  });
});

describe('environment', () => {
  it('parses sizes with units', () => {
    expect(parseByteSize('2147483648')).toBe(2 ** 31);
    expect(parseByteSize('2GiB')).toBe(2 * 1024 ** 3);
    expect(parseByteSize('500 MB')).toBe(500_000_000);
    expect(parseByteSize('1.5k')).toBe(1536);
    expect(() => parseByteSize('lots', 'MACE_UPLOAD_LIMIT')).toThrow(/MACE_UPLOAD_LIMIT="lots" is not a size/);
    expect(() => parseByteSize('0')).toThrow(/at least 1 byte/);
  });

  it('reads the API settings with defaults', () => {
    expect(readApiEnv({})).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      uploadLimitBytes: 2 * 1024 ** 3,
      redisUrl: 'redis://127.0.0.1:6379',
    });
    expect(readApiEnv({ PORT: '9000', MACE_UPLOAD_LIMIT: '1MiB', MACE_ADMIN_TOKEN: 'x'.repeat(20) })).toMatchObject({
      port: 9000,
      uploadLimitBytes: 1024 ** 2,
      adminToken: 'x'.repeat(20),
    });
    expect(() => readApiEnv({ PORT: 'eighty' })).toThrow(/PORT="eighty"/);
  });
});
