import { Metrics as PowertoolsMetrics } from "@aws-lambda-powertools/metrics";
import { METRICS, type MetricKey } from "../core/metric-names.js";
import type { Metrics } from "../core/ports/metrics.js";

type Unit = Parameters<PowertoolsMetrics["addMetric"]>[1];

interface Pending {
  metric: MetricKey;
  value: number;
  dimensions: Readonly<Record<string, string>> | undefined;
}

/**
 * Metrics as CloudWatch Embedded Metric Format lines on stdout, written by Powertools. The Lambda
 * log agent turns them into metrics in the configured namespace (one per deployed stack,
 * VIDEOCRAFT_METRIC_NAMESPACE); no API call, no extra latency.
 *
 * Dimensions follow functions/core/metric-names.ts, not Powertools' defaults: its `service` default
 * dimension is removed (the alarms read the undimensioned series), undimensioned values are published
 * with the explicit empty dimension set `[[]]`, and a dimensioned value with its own set plus `[]`
 * (`JobFailures`: `[["Code"], []]`), one line per dimensioned value since a line's dimension sets
 * apply to all its metrics. The service name goes in as metadata: searchable in logs, no dimension.
 * Recording and flushing are synchronous, so concurrent work in one process cannot mix lines.
 */
export class EmfMetrics implements Metrics {
  private pending: Pending[] = [];
  /** Created at cold start, so a bad POWERTOOLS_* variable fails there, not in a request. */
  private readonly emf: PowertoolsMetrics;

  constructor(
    private readonly service: string,
    namespace: string,
  ) {
    this.emf = new PowertoolsMetrics({ namespace });
    this.emf.clearDefaultDimensions();
  }

  record(metric: MetricKey, value: number, dimensions?: Readonly<Record<string, string>>): void {
    // Powertools throws on a non-number at flush time; a bad figure is dropped instead.
    if (!Number.isFinite(value)) return;
    const dims = dimensions && Object.keys(dimensions).length > 0 ? dimensions : undefined;
    this.pending.push({ metric, value, dimensions: dims });
  }

  flush(): void {
    const batch = this.pending;
    this.pending = [];
    const plain = batch.filter((p) => !p.dimensions);
    if (plain.length > 0) this.publish(plain, undefined);
    for (const item of batch) if (item.dimensions) this.publish([item], item.dimensions);
  }

  private publish(items: Pending[], dimensions: Readonly<Record<string, string>> | undefined): void {
    const emf = this.emf;
    if (dimensions) emf.addDimensions({ ...dimensions });
    emf.addDimensions({});
    emf.addMetadata("service", this.service);
    for (const { metric, value } of items) {
      const { name, unit } = METRICS[metric];
      emf.addMetric(name, unit as Unit, value);
    }
    emf.publishStoredMetrics();
  }
}
