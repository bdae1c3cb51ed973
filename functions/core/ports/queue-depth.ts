/** How many render messages wait to be picked up (SQS ApproximateNumberOfMessages). */
export interface QueueDepth {
  waitingMessages(): Promise<number>;
}
