import { join } from "node:path";

/**
 * fauxqs' state (queues, messages, buckets, objects), optionally kept on disk. fauxqs persists
 * state itself (SQLite for queues and messages, plain files for objects) but only through
 * `startFauxqs`, which always listens on every interface; `buildApp` lets us choose the interface
 * and add the signature check, and takes the stores, so we build the stores the way `startFauxqs`
 * does. Their classes are not in the package's public exports, so they are loaded from files next
 * to its entry point: the version is pinned exactly in package.json, and the durable-mode tests
 * restart a stack on the same directory, so a layout change fails there first.
 */

/** Only what local mode touches; structural, because fauxqs exports no types for these classes. */
export interface SqsQueueState {
  name: string;
  inflightMessages: Map<string, unknown>;
  changeVisibility(receiptHandle: string, timeoutSeconds: number): void;
  inspectMessages(): {
    ready: { body: string }[];
    delayed: { body: string }[];
    inflight: { message: { body: string } }[];
  };
}

export interface S3ObjectState {
  key: string;
}

export interface EmulatorStores {
  sqsStore: { allQueues(): Iterable<SqsQueueState> };
  snsStore: unknown;
  s3Store: {
    headObject(bucket: string, key: string): S3ObjectState;
    hasBucket(name: string): boolean;
  };
  /** Closes the files behind a durable state; nothing to do for an in-memory one. */
  close(): void;
}

interface PersistenceManager {
  loadSqsAndSns(sqs: unknown, sns: unknown): void;
  updateMessageReady(messageId: string): void;
  close(): void;
  db: { exec(sql: string): void; prepare(sql: string): { run(...params: unknown[]): unknown } };
}

interface FileS3Persistence {
  loadS3(s3: unknown): void;
  close(): void;
}

const fauxqsEntry = () => new URL(import.meta.resolve("fauxqs"));

async function loadClass<T>(relative: string, name: string): Promise<new (...args: never[]) => T> {
  const module = (await import(new URL(relative, fauxqsEntry()).href)) as Record<string, unknown>;
  const cls = module[name];
  if (typeof cls !== "function")
    throw new Error(`fauxqs no longer has ${name} in ${relative}: update local/emulator-stores.ts`);
  return cls as new (
    ...args: never[]
  ) => T;
}

/**
 * Fresh stores; with `dataDir`, loaded from and written through to `<dataDir>/queues` (SQLite) and
 * `<dataDir>/objects` (one file per object, inspectable, no size limit of a database blob).
 */
export async function createEmulatorStores(dataDir?: string): Promise<EmulatorStores> {
  const [SqsStore, SnsStore, S3Store] = await Promise.all([
    loadClass<EmulatorStores["sqsStore"] & { persistence?: unknown }>("./sqs/sqsStore.js", "SqsStore"),
    loadClass<{ persistence?: unknown }>("./sns/snsStore.js", "SnsStore"),
    loadClass<EmulatorStores["s3Store"] & { persistence?: unknown }>("./s3/s3Store.js", "S3Store"),
  ]);
  const sqsStore = new SqsStore();
  const snsStore = new SnsStore();
  const s3Store = new S3Store();
  if (!dataDir) return { sqsStore, snsStore, s3Store, close() {} };

  const [Persistence, FileObjects] = await Promise.all([
    loadClass<PersistenceManager>("./persistence.js", "PersistenceManager"),
    loadClass<FileS3Persistence>("./s3/fileS3Persistence.js", "FileS3Persistence"),
  ]);
  const queues = new (Persistence as unknown as new (dir: string) => PersistenceManager)(
    join(dataDir, "queues"),
  );
  // Each write is a WAL commit; NORMAL skips the fsync per commit (4–5 ms here), which keeps
  // everything a killed process wrote (the OS has it) and risks only the last commits on power loss.
  queues.db.exec("PRAGMA synchronous = NORMAL");
  // fauxqs 2.4.1 writes NULL into the NOT NULL receive count when a message becomes visible again
  // (ChangeMessageVisibility 0: every failed attempt), which throws; clear only the in-flight fields.
  const makeReady = queues.db.prepare(
    "UPDATE sqs_messages SET receipt_handle = NULL, visibility_deadline = NULL WHERE message_id = ?",
  );
  queues.updateMessageReady = (messageId) => {
    makeReady.run(messageId);
  };
  const objects = new (FileObjects as unknown as new (dir: string) => FileS3Persistence)(
    join(dataDir, "objects"),
  );
  // As startFauxqs: load first, then attach, so loading does not write everything back.
  queues.loadSqsAndSns(sqsStore, snsStore);
  objects.loadS3(s3Store);
  sqsStore.persistence = queues;
  snsStore.persistence = queues;
  for (const queue of sqsStore.allQueues()) (queue as { persistence?: unknown }).persistence = queues;
  s3Store.persistence = objects;
  return {
    sqsStore,
    snsStore,
    s3Store,
    close() {
      queues.close();
      objects.close();
    },
  };
}

/**
 * Makes every message that was in flight when the last process stopped visible again now, instead
 * of after its visibility timeout: whoever held it is gone, since a data directory has one owner.
 */
export function redeliverInFlight(stores: EmulatorStores): number {
  let count = 0;
  for (const queue of stores.sqsStore.allQueues()) {
    for (const receiptHandle of [...queue.inflightMessages.keys()]) {
      queue.changeVisibility(receiptHandle, 0);
      count++;
    }
  }
  return count;
}

/** Every message body still in a queue (ready, delayed or in flight). */
export function pendingMessageBodies(stores: EmulatorStores): string[] {
  const bodies: string[] = [];
  for (const queue of stores.sqsStore.allQueues()) {
    const { ready, delayed, inflight } = queue.inspectMessages();
    for (const m of [...ready, ...delayed]) bodies.push(m.body);
    for (const m of inflight) bodies.push(m.message.body);
  }
  return bodies;
}
