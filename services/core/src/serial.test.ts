import { Serial } from './serial';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('Serial', () => {
  it('runs jobs one at a time, in the order they were given', async () => {
    const s = new Serial();
    const log: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const job = (name: string, ms: number) => async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`end ${name}`);
      running--;
      return name;
    };
    const results = await Promise.all([s.run(job('a', 15)), s.run(job('b', 1)), s.run(job('c', 5))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(maxRunning).toBe(1);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('a failing job rejects its own promise and does not block the next', async () => {
    const s = new Serial();
    const order: string[] = [];
    const failing = s.run(async () => {
      await tick();
      order.push('fail');
      throw new Error('boom');
    });
    const next = s.run(async () => {
      order.push('next');
      return 42;
    });
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe(42);
    expect(order).toEqual(['fail', 'next']);
  });

  it('a job that throws synchronously is also contained', async () => {
    const s = new Serial();
    const bad = s.run((() => {
      throw new Error('sync');
    }) as () => Promise<never>);
    await expect(bad).rejects.toThrow('sync');
    await expect(s.run(async () => 'ok')).resolves.toBe('ok');
  });

  it('a job does not start until the previous one has settled', async () => {
    const s = new Serial();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let secondStarted = false;
    const first = s.run(() => gate);
    const second = s.run(async () => {
      secondStarted = true;
    });
    await tick();
    expect(secondStarted).toBe(false);
    release();
    await first;
    await second;
    expect(secondStarted).toBe(true);
  });
});
