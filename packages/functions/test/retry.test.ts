import { chunk, mapWithConcurrency, retryConcurrentModification } from '../src';

const conflict = () => Object.assign(new Error('version mismatch'), { name: 'ConcurrentModificationException' });

describe('retryConcurrentModification', () => {
  test('tries a write again while Glue reports a concurrent change, with growing jittered waits', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await retryConcurrentModification(async () => {
      calls++;
      if (calls < 4) throw conflict();
      return 'ok';
    }, { sleep: async (ms) => { waits.push(ms); }, random: () => 0.5, baseDelayMs: 100 });
    expect(result).toBe('ok');
    expect(waits).toEqual([50, 100, 200]);
  });

  test('gives up after the attempts and throws the last conflict', async () => {
    let calls = 0;
    await expect(retryConcurrentModification(async () => { calls++; throw conflict(); }, { attempts: 3, sleep: async () => undefined }))
      .rejects.toMatchObject({ name: 'ConcurrentModificationException' });
    expect(calls).toBe(3);
  });

  test.each(['ThrottlingException', 'InternalServiceException', 'AccessDeniedException'])('leaves %s to the SDK: thrown at once', async (name) => {
    let calls = 0;
    await expect(retryConcurrentModification(async () => { calls++; throw Object.assign(new Error('no'), { name }); }, { sleep: async () => undefined }))
      .rejects.toMatchObject({ name });
    expect(calls).toBe(1);
  });
});

describe('mapWithConcurrency', () => {
  test('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3, 0], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });

  test('stops issuing calls after the first failure, and throws that failure', async () => {
    const started: number[] = [];
    const error = await mapWithConcurrency(Array.from({ length: 50 }, (_, i) => i), 3, async (n) => {
      started.push(n);
      await new Promise((r) => setTimeout(r, 1));
      if (n === 1) throw new Error('write 1 failed');
      return n;
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('write 1 failed');
    // The three in flight when item 1 failed may finish; nothing after them starts.
    expect(started.length).toBeLessThanOrEqual(4);
  });

  test('chunk splits into batches of the size', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});
