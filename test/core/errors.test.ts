import { describe, expect, it } from 'vitest';
import {
  ConfigurationError, ConflictError, DispatchError, MessageSendError, NotFoundError, StoredItemError, SundialError, TaskTimeoutError, ValidationError,
} from '../../lib/core/errors.ts';
import * as publicApi from '../../lib/index.ts';

describe('error hierarchy', () => {
  const cause = new Error('root');
  it.each([
    [new SundialError('m', { cause }), 'SundialError', 'm'],
    [new ValidationError('only one'), 'ValidationError', 'only one'],
    [new ValidationError(['a', 'b']), 'ValidationError', '2 problems:\n- a\n- b'],
    [new NotFoundError('job', 'j_1'), 'NotFoundError', 'No job with id "j_1" exists (it may have ended and expired after its retention).'],
    [new ConflictError('is completed', 'completed'), 'ConflictError', 'is completed'],
    [new ConflictError('changed'), 'ConflictError', 'changed'],
    [new MessageSendError('2 not sent', ['j_1', 'j_2']), 'MessageSendError', '2 not sent'],
    [new ConfigurationError('SUNDIAL_TABLE_NAME is not set'), 'ConfigurationError', 'SUNDIAL_TABLE_NAME is not set'],
    [new StoredItemError('(pk "job#1", sk "j_1")', 'has no `queue` attribute'), 'StoredItemError', 'Item (pk "job#1", sk "j_1") has no `queue` attribute.'],
    [new TaskTimeoutError('send-email', 30), 'TaskTimeoutError', 'Task "send-email" did not finish within its timeout of 30 s; the attempt counts as failed.'],
  ])('%s has its name and message and is a SundialError', (error, name, message) => {
    expect(error).toBeInstanceOf(SundialError);
    expect(error.name).toBe(name);
    expect(error.message).toBe(message);
  });

  it('keeps the details callers branch on', () => {
    expect(new SundialError('m', { cause }).cause).toBe(cause);
    expect(new ValidationError(['a']).problems).toEqual(['a']);
    expect(new NotFoundError('schedule', 's')).toMatchObject({ kind: 'schedule', id: 's' });
    expect(new ConflictError('x', 'failed').currentState).toBe('failed');
    expect(new ConflictError('x').currentState).toBeUndefined();
    expect(new ConflictError('x', 'failed', { current: { id: 'j' } }).current).toEqual({ id: 'j' });
    expect(new ConflictError('x').current).toBeUndefined();
    expect(new StoredItemError('k', 'is odd').key).toBe('k');
    expect(new MessageSendError('x', ['j']).failedIds).toEqual(['j']);
  });

  it('keeps the deprecated name DispatchError: existing `instanceof DispatchError` checks still match', () => {
    const sent = new MessageSendError('not sent', ['j_1']);
    expect(sent).toBeInstanceOf(DispatchError);
    const legacy: DispatchError = new DispatchError('not sent', ['j_2']);
    expect(legacy).toBeInstanceOf(MessageSendError);
    expect(legacy.failedIds).toEqual(['j_2']);
    // Both names are exported to users, as one class.
    expect(publicApi.DispatchError).toBe(publicApi.MessageSendError);
  });
});
