import { describe, expect, it } from 'vitest';
import { errorFields } from '../../shared/logger';

describe('what a log line says about an error', () => {
  it('keeps a database error to its name and code: its message can quote the health value that failed', () => {
    const pgError = Object.assign(new Error('invalid input syntax for type smallint: "400 bpm"'), { code: '22P02' });
    const fields = JSON.stringify(errorFields(pgError));
    expect(fields).toContain('22P02');
    expect(fields).not.toContain('400 bpm');
  });

  it('keeps the message and stack of our own errors, for debugging', () => {
    const fields = errorFields(new Error('vendor credentials missing'));
    expect(fields.errorMessage).toBe('vendor credentials missing');
    expect(String(fields.stack)).toContain('logger.test.ts');
  });
});
