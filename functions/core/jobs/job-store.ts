import type { ObjectStore } from "../ports/object-store.js";
import type { Project } from "../schema/project.js";
import type { JobRecord } from "./job-record.js";
import { storageKeys } from "./storage-keys.js";

/** Reads and writes job documents in the object store; the only code that knows their keys. */
export class JobStore {
  constructor(private readonly store: ObjectStore) {}

  async getStatus(id: string): Promise<JobRecord | undefined> {
    const text = await this.store.getText(storageKeys.status(id));
    return text === undefined ? undefined : (JSON.parse(text) as JobRecord);
  }

  async putStatus(record: JobRecord): Promise<void> {
    await this.store.putText(storageKeys.status(record.id), JSON.stringify(record), "application/json");
  }

  async getRequest(id: string): Promise<Project | undefined> {
    const text = await this.store.getText(storageKeys.request(id));
    return text === undefined ? undefined : (JSON.parse(text) as Project);
  }

  async putRequest(id: string, project: Project): Promise<void> {
    await this.store.putText(storageKeys.request(id), JSON.stringify(project), "application/json");
  }

  async requestCancel(id: string): Promise<void> {
    await this.store.putText(storageKeys.cancel(id), new Date().toISOString(), "text/plain");
  }

  isCancelRequested(id: string): Promise<boolean> {
    return this.store.exists(storageKeys.cancel(id));
  }

  /** All job ids, newest first (ULIDs sort by creation time). */
  async listIds(): Promise<string[]> {
    const { prefixes } = await this.store.list(storageKeys.jobsPrefix, { delimiter: "/" });
    return prefixes
      .map((p) => p.slice(storageKeys.jobsPrefix.length, -1))
      .filter((id) => id !== "idempotency")
      .sort()
      .reverse();
  }
}
