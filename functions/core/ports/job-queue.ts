/**
 * What travels on the render queues: only the job id (everything else is read from storage), plus,
 * for a fanned-out job, which part to do: `segment: i` renders part i of the job's fan-out plan (a
 * scene's picture, or a frame-range chunk of a long scene) on the render queue; `assemble: true`
 * (FIFO assembly queue) joins the parts. No field: the whole job, or, with fan-out on, its
 * coordination.
 */
export interface RenderMessage {
  jobId: string;
  segment?: number;
  assemble?: true;
}

export interface JobQueue {
  send(message: RenderMessage): Promise<void>;
}
