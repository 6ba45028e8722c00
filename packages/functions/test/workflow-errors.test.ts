import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKFLOW_ERRORS } from '@snaplake/core';
import { ExportLimitReachedError, QueryFailedError, WorkflowError } from '../src';

// Lambda's Node.js runtime reports a thrown error's `name` as the invocation's `errorType`, which is
// what a Step Functions Retry or Catch matches: infra matches core's WORKFLOW_ERRORS, functions throws them.

function sourceText(dir: string): string {
  return readdirSync(dir, { withFileTypes: true })
    .map((entry) => (entry.isDirectory() ? sourceText(join(dir, entry.name)) : entry.name.endsWith('.ts') ? readFileSync(join(dir, entry.name), 'utf8') : ''))
    .join('\n');
}

test('every workflow error name core defines is thrown by some function, so no Retry or Catch waits for an error that never comes', () => {
  const source = sourceText(join(__dirname, '..', 'src'));
  const thrown = Object.keys(WORKFLOW_ERRORS).filter((key) => new RegExp(`WORKFLOW_ERRORS\\.${key}\\b`).test(source));
  expect(thrown.sort()).toEqual(Object.keys(WORKFLOW_ERRORS).sort());
});

test('no function names a workflow error with a string of its own', () => {
  const source = sourceText(join(__dirname, '..', 'src'));
  expect(source.match(/(new WorkflowError|super)\(\s*['"`]/g) ?? []).toEqual([]);
});

test('a thrown workflow error carries core\'s name, which Lambda reports as its errorType', () => {
  expect(new ExportLimitReachedError('five exports running')).toMatchObject({ name: WORKFLOW_ERRORS.exportLimitReached, message: 'five exports running' });
  const cancelled = new QueryFailedError({ queryExecutionId: 'q1', state: 'CANCELLED', reason: 'user', retryable: false, bytesScanned: 0, runTimeMs: 0, outputLocation: '' });
  expect(cancelled).toBeInstanceOf(WorkflowError);
  expect(cancelled.name).toBe(WORKFLOW_ERRORS.queryCancelled);
});
