/** What travels on the render queue: only the job id; everything else is read from storage. */
export interface RenderMessage {
  jobId: string;
}

export interface JobQueue {
  send(message: RenderMessage): Promise<void>;
}
