// A dropped database connection must not kill the process: pg.Pool emits 'error' for an idle client whose
// socket dies, and an EventEmitter without a listener throws that error (Lambda: the container dies).
import { describe, expect, it } from 'vitest';
import { createDb, createPool } from '#shared/db/connection';
import { checkDatabase } from '#shared/db/health';
import { testDb } from '#test/support/db';
import { tcpProxy } from '#test/support/tcp-proxy';

describe('pool errors', () => {
  it("every pool listens for 'error': an idle client's lost connection is logged, not thrown", async () => {
    const pool = createPool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', max: 1 });
    expect(() => pool.emit('error', new Error('Connection terminated unexpectedly'))).not.toThrow();
    await pool.end();
  });

  it.runIf(process.env.TEST_DATABASE_URL)('connections cut under an idle pool: the process survives and the next query reconnects', async () => {
    const database = await testDb();
    const proxy = await tcpProxy(database.url!);
    const db = createDb({ url: proxy.url, poolMax: 2 });
    try {
      await Promise.all([checkDatabase(db), checkDatabase(db)]);
      expect(proxy.open).toBeGreaterThan(0);
      const lost = new Promise<void>((resolve) => process.once('uncaughtException', () => resolve()));
      proxy.dropAll();
      // Let the pool notice the dead sockets (its 'error' event fires on the next tick).
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await checkDatabase(db)).toBe('ok');
      const crashed = await Promise.race([lost.then(() => true), Promise.resolve(false)]);
      expect(crashed).toBe(false);
    } finally {
      await db.destroy();
      await proxy.close();
      await database.close();
    }
  });
});
