/**
 * The names of the embedded stack's bucket and queues, apart from embedded-stack.ts so that the
 * CLI's offline checks can name them without loading the SDK clients that create them.
 */
export const LOCAL_BUCKET = "videocraft-local";
export const LOCAL_QUEUE = "videocraft-render";
export const LOCAL_DLQ = "videocraft-render-dlq";
/** FIFO: MessageDeduplicationId = job id makes "assemble this job" of a fanned-out job happen once. */
export const LOCAL_ASSEMBLY_QUEUE = "videocraft-assembly.fifo";
export const LOCAL_ASSEMBLY_DLQ = "videocraft-assembly-dlq.fifo";
