import { App, Duration, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { MAX_RECEIVE_COUNT, WorkQueue } from "../../infra/work-queue.js";
import { CDK_JSON_CONTEXT, FAST_APP } from "./synth-app.js";

function queueTemplate(workerSeconds: number) {
  const stack = new Stack(new App({ ...FAST_APP, context: CDK_JSON_CONTEXT }), "Test");
  const rq = new WorkQueue(stack, "RenderQueue", {
    workerTimeout: Duration.seconds(workerSeconds),
    deadLetterWorkerTimeout: Duration.minutes(1),
  });
  const id = (q: typeof rq.queue) =>
    stack.resolve(stack.getLogicalId(q.node.defaultChild as never)) as string;
  return { template: Template.fromStack(stack), queueId: id(rq.queue), dlqId: id(rq.deadLetterQueue) };
}

describe("work queue construct", () => {
  it("dead-letters a message after 3 receives", () => {
    const { template, queueId, dlqId } = queueTemplate(900);
    expect(MAX_RECEIVE_COUNT).toBe(3);
    const queue = template.toJSON().Resources[queueId];
    expect(queue.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { "Fn::GetAtt": [dlqId, "Arn"] },
      maxReceiveCount: 3,
    });
  });

  it.each([60, 300, 900])("hides a message for at least 6× a %i s worker timeout", (seconds) => {
    const { template, queueId } = queueTemplate(seconds);
    const visibility = template.toJSON().Resources[queueId].Properties.VisibilityTimeout as number;
    expect(visibility).toBeGreaterThanOrEqual(6 * seconds);
  });

  it("keeps dead letters longer than the source queue keeps messages", () => {
    const { template, queueId, dlqId } = queueTemplate(900);
    const r = template.toJSON().Resources;
    expect(r[dlqId].Properties.MessageRetentionPeriod).toBeGreaterThan(
      r[queueId].Properties.MessageRetentionPeriod,
    );
  });

  it("encrypts both queues with SQS-managed keys and refuses non-TLS requests", () => {
    const { template } = queueTemplate(900);
    template.resourceCountIs("AWS::SQS::Queue", 2);
    template.allResourcesProperties("AWS::SQS::Queue", { SqsManagedSseEnabled: true });
    template.resourceCountIs("AWS::SQS::QueuePolicy", 2);
    template.allResourcesProperties("AWS::SQS::QueuePolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Deny",
            Action: "sqs:*",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
        ]),
      },
    });
  });
});

describe("work queue construct with the FIFO option (fan-out assembly)", () => {
  const stack = new Stack(new App({ ...FAST_APP, context: CDK_JSON_CONTEXT }), "Test");
  const aq = new WorkQueue(stack, "AssemblyQueue", {
    workerTimeout: Duration.seconds(900),
    deadLetterWorkerTimeout: Duration.minutes(1),
    fifo: true,
  });
  const id = (q: typeof aq.queue) =>
    stack.resolve(stack.getLogicalId(q.node.defaultChild as never)) as string;
  const r = Template.fromStack(stack).toJSON().Resources;

  it("is FIFO with content-based deduplication off (the job id is the deduplication id)", () => {
    expect(r[id(aq.queue)].Properties).toMatchObject({ FifoQueue: true, ContentBasedDeduplication: false });
    expect(r[id(aq.deadLetterQueue)].Properties).toMatchObject({ FifoQueue: true });
  });

  it("dead-letters after 3 receives into its own FIFO DLQ and hides messages like the render queue", () => {
    const q = r[id(aq.queue)].Properties;
    expect(q.RedrivePolicy).toEqual({
      deadLetterTargetArn: { "Fn::GetAtt": [id(aq.deadLetterQueue), "Arn"] },
      maxReceiveCount: MAX_RECEIVE_COUNT,
    });
    expect(q.VisibilityTimeout).toBeGreaterThanOrEqual(6 * 900);
    expect(q.SqsManagedSseEnabled).toBe(true);
  });
});
