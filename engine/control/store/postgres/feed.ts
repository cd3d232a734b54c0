// The Postgres change feed: every commit NOTIFYs the store's channel inside its transaction (delivered at commit,
// never for a rollback); one dedicated connection LISTENs and wakes the subscribers. If that connection drops,
// subscribers are woken once (they may have missed commits) and it reconnects.
import pg from 'pg';
import { z } from 'zod';
import type { StoreChange } from '../types';
import { clientConfig, type PgStoreOptions } from './connect';

const Payload = z.object({ h: z.number(), w: z.array(z.string()) });

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export class NotifyFeed {
  private readonly listeners = new Set<(change: StoreChange) => void>();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly options: PgStoreOptions,
    private readonly channel: string,
  ) {}

  /** Resolves once LISTEN is active: every commit after that wakes `listener`. */
  async subscribe(listener: (change: StoreChange) => void): Promise<() => void> {
    this.listeners.add(listener);
    try {
      await this.connect();
    } catch (error) {
      this.listeners.delete(listener);
      throw error;
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) void this.disconnect();
    };
  }

  private connect(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= (async () => {
      const client = new pg.Client(clientConfig(this.options));
      client.on('notification', (msg) => {
        if (msg.channel !== this.channel || msg.payload === undefined) return;
        // Anyone with access to the database may NOTIFY this channel: a payload that is not ours still wakes
        // the subscribers (something changed), as a missed change they re-read for, never as a crash here.
        const parsed = Payload.safeParse(parseJson(msg.payload));
        this.emit(parsed.success ? { head: parsed.data.h, workflowIds: parsed.data.w } : { head: 0, workflowIds: [], missed: true });
      });
      client.on('error', (error) => {
        this.options.onError?.(error);
        this.dropped(client);
      });
      client.on('end', () => this.dropped(client));
      try {
        await client.connect();
        // The channel is an identifier (LISTEN takes no parameter); channelOf() builds it from a checked schema name.
        await client.query(`LISTEN ${this.channel}`);
        this.client = client;
      } catch (error) {
        await client.end().catch(() => undefined);
        throw error;
      } finally {
        this.connecting = null;
      }
    })();
    return this.connecting;
  }

  private dropped(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    if (this.closed || this.listeners.size === 0) return;
    this.emit({ head: 0, workflowIds: [], missed: true });
    this.retry = setTimeout(() => void this.connect().catch((e: Error) => this.options.onError?.(e)), 1000);
    this.retry.unref();
  }

  private emit(change: StoreChange): void {
    for (const listener of [...this.listeners]) listener(change);
  }

  private async disconnect(): Promise<void> {
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.connecting?.catch(() => undefined);
    await this.disconnect();
  }
}
