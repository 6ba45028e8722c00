import { lazy } from '../src/lazy';

describe('lazy', () => {
  test('makes the value on first use only, and shares it', async () => {
    let made = 0;
    const value = lazy(async () => ({ n: ++made }));
    expect(made).toBe(0);
    const [a, b] = await Promise.all([value(), value()]);
    expect(a).toBe(b);
    expect(await value()).toBe(a);
    expect(made).toBe(1);
  });

  test('a failure is not kept: the next use tries again', async () => {
    let attempts = 0;
    const value = lazy(async () => {
      attempts++;
      if (attempts === 1) throw new Error('cannot load');
      return 'loaded';
    });
    await expect(value()).rejects.toThrow('cannot load');
    await expect(value()).resolves.toBe('loaded');
  });
});
