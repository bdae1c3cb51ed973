import type { ObjectStore } from "../ports/object-store.js";
import type { Project } from "../schema/project.js";
import { type JobRecord, TERMINAL_STATUSES } from "./job-record.js";
import { ownerDigest } from "./owner-digest.js";
import { isJobId, storageKeys } from "./storage-keys.js";

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

  /**
   * Ends a fanned-out job, whose parts run in several workers at once: the first terminal record
   * written to the job's final marker (putIfAbsent) wins and becomes the status; a later one only
   * re-asserts the winner. True when this call won (and so sends the webhook).
   */
  async finishOnce(record: JobRecord): Promise<boolean> {
    const key = storageKeys.fanoutFinal(record.id);
    const won = await this.store.putIfAbsent(key, JSON.stringify(record), "application/json");
    await this.putStatus(won ? record : ((await this.getFinal(record.id)) ?? record));
    return won;
  }

  /** The terminal record a fanned-out job ended with, if it has ended. */
  async getFinal(id: string): Promise<JobRecord | undefined> {
    const text = await this.store.getText(storageKeys.fanoutFinal(id));
    return text === undefined ? undefined : (JSON.parse(text) as JobRecord);
  }

  /**
   * A progress write that can race with `finishOnce` in another worker and still never leaves a
   * finished job looking unfinished: the final marker is written before the final status, so
   * checking the marker after our write either sees it (and re-writes the final record) or proves
   * the final status write comes after ours. Skipped when the job has already ended.
   */
  async putProgress(id: string, update: (current: JobRecord) => JobRecord | undefined): Promise<void> {
    const current = await this.getStatus(id);
    if (!current || TERMINAL_STATUSES.has(current.status)) return;
    if (await this.store.exists(storageKeys.fanoutFinal(id))) return;
    const next = update(current);
    if (!next) return;
    await this.putStatus(next);
    const final = await this.getFinal(id);
    if (final) await this.putStatus(final);
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
      .filter(isJobId)
      .sort()
      .reverse();
  }

  /** Records that `owner` created job `id`, before the job's status exists. */
  async putOwned(owner: string, id: string): Promise<void> {
    await this.store.putText(storageKeys.ownedJob(ownerDigest(owner), id), "", "text/plain");
  }

  /** The ids of `owner`'s jobs, newest first. */
  async listIdsOf(owner: string): Promise<string[]> {
    const prefix = storageKeys.ownedJobsPrefix(ownerDigest(owner));
    const { keys } = await this.store.list(prefix);
    // ObjectStore.list already drops keys the emulator repeats across pages.
    return keys
      .map((k) => k.slice(prefix.length))
      .filter(isJobId)
      .sort()
      .reverse();
  }
}
