/**
 * CloudWatch custom metrics the functions publish through the Embedded Metric Format: every distinct namespace +
 * metric name + dimension values is one metric, billed per month (`PRICES.customMetricMonth`) whatever the traffic.
 */

interface EmfDirective {
  readonly Namespace?: string;
  readonly Dimensions?: ReadonlyArray<readonly string[]>;
  readonly Metrics?: ReadonlyArray<{ readonly Name?: string }>;
}

/**
 * The metric identities one log line publishes (none when it is not an EMF document): `namespace/name{dim=value,…}`,
 * one per metric and dimension set.
 *
 * @example
 * ```ts
 * emfMetrics('{"_aws":{"CloudWatchMetrics":[{"Namespace":"Sundial","Dimensions":[["service"]],"Metrics":[{"Name":"JobsStarted"}]}]},"service":"sundial","JobsStarted":1}');
 * // ['Sundial/JobsStarted{service=sundial}']
 * ```
 */
export function emfMetrics(line: string): string[] {
  if (!line.includes('"_aws"')) return [];
  let document: Record<string, unknown> & { _aws?: { CloudWatchMetrics?: readonly EmfDirective[] } };
  try {
    document = JSON.parse(line);
  } catch {
    return [];
  }
  const identities: string[] = [];
  for (const directive of document._aws?.CloudWatchMetrics ?? []) {
    // A directive without dimensions publishes each metric once, with no dimensions.
    const dimensionSets = directive.Dimensions?.length ? directive.Dimensions : [[]];
    for (const metric of directive.Metrics ?? []) {
      for (const set of dimensionSets) {
        const dimensions = set.map((name) => `${name}=${String(document[name])}`).join(',');
        identities.push(`${directive.Namespace ?? ''}/${metric.Name ?? ''}{${dimensions}}`);
      }
    }
  }
  return identities;
}
