import { Duration, Stack, Validations } from "aws-cdk-lib";
import type * as apigw from "aws-cdk-lib/aws-apigateway";
import * as cw from "aws-cdk-lib/aws-cloudwatch";
import * as cwActions from "aws-cdk-lib/aws-cloudwatch-actions";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { RENDER_TIME_SHARE } from "../functions/core/jobs/render-time-share.js";
import { FAILURE_CODE_DIMENSION, METRICS } from "../functions/core/metric-names.js";

/** A queue of work and the dead-letter queue behind it. */
export interface MonitoredQueue {
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
}

export interface MonitoringProps {
  readonly api: apigw.RestApi;
  /** The EMF namespace the functions write to (this stack's own). */
  readonly metricNamespace: string;
  /** Every work queue, by a short label used in alarm ids and titles; the first is the render queue. */
  readonly queues: Record<string, MonitoredQueue>;
  /** Functions whose errors and throttles alarm, by a short label used in alarm ids. */
  readonly functions: Record<string, lambda.IFunction>;
  readonly renderFunction: lambda.IFunction;
  readonly renderTimeoutSeconds: number;
  readonly queueAgeAlarmSeconds: number;
  readonly failureRateAlarmPercent: number;
  readonly alarmEmail?: string | undefined;
}

const FIVE_MINUTES = Duration.minutes(5);

/** Below this many finished jobs in a window the failure rate is noise; the DLQ alarms still fire. */
const MIN_JOBS_FOR_FAILURE_RATE = 5;

/**
 * Alarms (docs/performance.md says which answers what) and a dashboard over the EMF metrics
 * (functions/core/metric-names.ts) and AWS's own.
 */
export class Monitoring extends Construct {
  readonly alarms: cw.Alarm[] = [];
  readonly dashboard: cw.Dashboard;
  readonly topic: sns.Topic | undefined;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);

    if (props.alarmEmail) {
      this.topic = new sns.Topic(this, "AlarmTopic", { displayName: "VideoCraft alarms", enforceSSL: true });
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
      Validations.of(this.topic).acknowledge({
        id: "AwsSolutions-SNS2",
        reason:
          "Alarm notifications carry alarm names and states only. CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key, and a customer key ($1/month) for this would be cost without benefit.",
      });
    }

    const emf = (key: keyof typeof METRICS, statistic: string, dimensionsMap?: Record<string, string>) =>
      new cw.Metric({
        namespace: props.metricNamespace,
        metricName: METRICS[key].name,
        statistic,
        period: FIVE_MINUTES,
        ...(dimensionsMap ? { dimensionsMap } : {}),
      });

    const queues = Object.entries(props.queues);
    for (const [label, { queue, deadLetterQueue }] of queues) {
      // A message in a DLQ means a job (or one part of it) was given up after every retry; the DLQ
      // consumer marks the job failed.
      this.alarm(`${label}DeadLetterQueueDepth`, {
        metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: "Maximum",
        }),
        threshold: 0,
        alarmDescription: `Messages are waiting in the ${label.toLowerCase()} dead-letter queue (its consumer is failing or behind).`,
      });
      // The DLQ consumer empties the queue within seconds, which the depth metric can miss between
      // samples; counting receives catches every dead-lettered message.
      this.alarm(`${label}DeadLetters`, {
        metric: deadLetterQueue.metricNumberOfMessagesReceived({ period: FIVE_MINUTES, statistic: "Sum" }),
        threshold: 0,
        alarmDescription: `A ${label.toLowerCase()} message failed on every attempt and was dead-lettered; its job is now failed.`,
      });
      this.alarm(`${label}OldestMessageAge`, {
        metric: queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: "Maximum" }),
        threshold: props.queueAgeAlarmSeconds,
        alarmDescription: `A ${label.toLowerCase()} message has waited more than ${props.queueAgeAlarmSeconds} s in its queue.`,
      });
    }
    const renderDuration = (statistic: string) =>
      props.renderFunction.metricDuration({ period: Duration.minutes(15), statistic });
    // The share of the timeout the API lets a unit of work be estimated at: renders above it mean
    // the estimate runs low for this workload, and a somewhat larger job will time out.
    const slowRenderMs = Math.round(RENDER_TIME_SHARE * props.renderTimeoutSeconds * 1000);
    this.alarm("RenderDurationNearTimeout", {
      metric: renderDuration("p99"),
      threshold: slowRenderMs,
      alarmDescription: `The slowest renders (p99 over 15 minutes) took more than ${RENDER_TIME_SHARE * 100}% of the ${props.renderTimeoutSeconds} s timeout; larger jobs will time out.`,
    });

    // JobSeconds is emitted once per completed job, so its sample count is the completed jobs.
    const failed = "FILL(failures, 0)";
    const finished = `(${failed} + FILL(completed, 0))`;
    const failureRate = new cw.MathExpression({
      expression: `IF(${finished} >= ${MIN_JOBS_FOR_FAILURE_RATE}, 100 * ${failed} / ${finished}, 0)`,
      usingMetrics: { failures: emf("jobFailures", "Sum"), completed: emf("jobSeconds", "SampleCount") },
      label: "Job failure rate (%)",
      period: FIVE_MINUTES,
    });
    this.alarm("JobFailureRate", {
      metric: failureRate,
      threshold: props.failureRateAlarmPercent,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      alarmDescription: `More than ${props.failureRateAlarmPercent}% of finished jobs failed in 2 of the last 3 five-minute windows.`,
    });
    this.alarm("Api5xx", {
      metric: props.api.metricServerError({ period: FIVE_MINUTES, statistic: "Sum" }),
      threshold: 0,
      alarmDescription: "The API answered with a 5xx (handler error, timeout or integration failure).",
    });
    for (const [label, fn] of Object.entries(props.functions)) {
      this.alarm(`${label}Errors`, {
        metric: fn.metricErrors({ period: FIVE_MINUTES, statistic: "Sum" }),
        threshold: 0,
        alarmDescription: `The ${label} function threw (invocation errors, timeouts, out-of-memory).`,
      });
      this.alarm(`${label}Throttles`, {
        metric: fn.metricThrottles({ period: FIVE_MINUTES, statistic: "Sum" }),
        threshold: 0,
        alarmDescription: `The ${label} function was throttled (reserved or account concurrency exhausted).`,
      });
    }

    this.dashboard = new cw.Dashboard(this, "Dashboard", {
      defaultInterval: Duration.hours(3),
    });
    const wide = { width: 12, height: 6 };
    this.dashboard.addWidgets(
      new cw.AlarmStatusWidget({ title: "Alarms", alarms: this.alarms, width: 24, height: 4 }),
    );
    this.dashboard.addWidgets(
      new cw.GraphWidget({
        title: "API requests and errors",
        left: [
          props.api.metricCount({ period: FIVE_MINUTES }),
          props.api.metricClientError({ period: FIVE_MINUTES }),
          props.api.metricServerError({ period: FIVE_MINUTES }),
        ],
        ...wide,
      }),
      new cw.GraphWidget({
        title: "Request duration (handler, ms)",
        left: [emf("requestDuration", "p50"), emf("requestDuration", "p95")],
        right: [props.api.metricLatency({ period: FIVE_MINUTES, statistic: "p95" })],
        ...wide,
      }),
    );
    this.dashboard.addWidgets(
      new cw.GraphWidget({
        title: "Job seconds",
        left: [emf("jobSeconds", "p50"), emf("jobSeconds", "p95")],
        ...wide,
      }),
      new cw.GraphWidget({
        title: "Jobs: rendering, queued, failure rate (%)",
        left: [
          // One heartbeat per rendering invocation per minute: the per-minute Sum is the concurrency.
          new cw.Metric({
            namespace: props.metricNamespace,
            metricName: METRICS.activeJobs.name,
            statistic: "Sum",
            period: Duration.minutes(1),
            label: "Rendering (jobs per minute)",
          }),
          props.renderFunction.metric("ConcurrentExecutions", { period: FIVE_MINUTES, statistic: "Maximum" }),
          ...queues.map(([label, { queue }]) =>
            queue.metricApproximateNumberOfMessagesVisible({
              period: FIVE_MINUTES,
              statistic: "Maximum",
              label: `${label} queue: waiting`,
            }),
          ),
        ],
        right: [failureRate],
        ...wide,
      }),
    );
    this.dashboard.addWidgets(
      new cw.GraphWidget({
        title: "Job failures by code",
        left: [
          new cw.MathExpression({
            expression: `SEARCH('{"${props.metricNamespace}",${FAILURE_CODE_DIMENSION}} MetricName="${METRICS.jobFailures.name}"', 'Sum', 300)`,
            label: "",
            period: FIVE_MINUTES,
          }),
        ],
        ...wide,
      }),
      new cw.GraphWidget({
        title: "Render speed (frames/s)",
        left: [emf("renderFps", "p50"), emf("renderFps", "Minimum")],
        ...wide,
      }),
    );
    this.dashboard.addWidgets(
      new cw.GraphWidget({
        title: "Queues: oldest message age (s) / dead letters waiting",
        left: queues.map(([label, { queue }]) =>
          queue.metricApproximateAgeOfOldestMessage({
            period: FIVE_MINUTES,
            statistic: "Maximum",
            label: `${label} queue: oldest (s)`,
          }),
        ),
        right: queues.map(([label, { deadLetterQueue }]) =>
          deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: FIVE_MINUTES,
            statistic: "Maximum",
            label: `${label} DLQ: waiting`,
          }),
        ),
        ...wide,
      }),
      new cw.GraphWidget({
        title: "Render duration (ms) against the timeout",
        left: [renderDuration("p50"), renderDuration("p99")],
        leftAnnotations: [
          { value: props.renderTimeoutSeconds * 1000, label: "timeout" },
          { value: slowRenderMs, label: "alarm" },
        ],
        ...wide,
      }),
    );
    this.dashboard.addWidgets(
      new cw.GraphWidget({
        title: "Function errors and throttles",
        left: Object.values(props.functions).flatMap((fn) => [
          fn.metricErrors({ period: FIVE_MINUTES, statistic: "Sum" }),
          fn.metricThrottles({ period: FIVE_MINUTES, statistic: "Sum" }),
        ]),
        ...wide,
      }),
    );
  }

  /** Console link to the dashboard. */
  get dashboardUrl(): string {
    const region = Stack.of(this).region;
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboardName}`;
  }

  private alarm(
    id: string,
    options: Pick<cw.AlarmProps, "metric" | "threshold" | "alarmDescription"> &
      Partial<Pick<cw.AlarmProps, "evaluationPeriods" | "datapointsToAlarm">>,
  ) {
    const alarm = new cw.Alarm(this, id, {
      evaluationPeriods: 1,
      comparisonOperator: cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // No data means nothing happened (no failures, an empty queue), not an outage.
      treatMissingData: cw.TreatMissingData.NOT_BREACHING,
      ...options,
    });
    if (this.topic) {
      alarm.addAlarmAction(new cwActions.SnsAction(this.topic));
      alarm.addOkAction(new cwActions.SnsAction(this.topic));
    }
    this.alarms.push(alarm);
    return alarm;
  }
}
