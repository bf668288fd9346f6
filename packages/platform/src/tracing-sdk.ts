import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/**
 * The SDK half of tracing.ts. Imported only when tracing is on, and dynamically, so that a
 * service with tracing off (the compiled bundles too) never loads it. The exporter, the batch
 * processor and the sampler read their OTEL_* variables themselves; OTEL_SERVICE_NAME and
 * OTEL_RESOURCE_ATTRIBUTES override the service's own name.
 */
export async function startProvider(service: string, exporter?: SpanExporter): Promise<NodeTracerProvider> {
  const [{ OTLPTraceExporter }, { defaultResource, detectResources, envDetector, resourceFromAttributes }, { BatchSpanProcessor }, { NodeTracerProvider }, { ATTR_SERVICE_NAME }] =
    await Promise.all([
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/semantic-conventions'),
    ]);
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: service }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(exporter ?? new OTLPTraceExporter())],
  });
  // Also installs the async-hooks context manager, so the span a handler runs in is the active one for its logs.
  provider.register();
  return provider;
}
