import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/**
 * The SDK half of tracing.ts. Imported only when tracing is on, and dynamically, so that a
 * service with tracing off (the compiled bundles too) never loads it. The exporter, the batch
 * processor and the sampler read their OTEL_* variables themselves; OTEL_SERVICE_NAME and
 * OTEL_RESOURCE_ATTRIBUTES override the service's own name.
 */
export async function startProvider(service: string, exporter?: SpanExporter): Promise<{ provider: NodeTracerProvider; unregister(): void }> {
  const [
    { OTLPTraceExporter }, { defaultResource, detectResources, envDetector, resourceFromAttributes }, { BatchSpanProcessor }, { NodeTracerProvider },
    { ATTR_SERVICE_NAME }, { registerInstrumentations }, { UndiciInstrumentation },
  ] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/semantic-conventions'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-undici'),
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
  // CLIENT spans for the HTTP calls services make (to the payment provider, to inventory for the
  // catalog, to webhook endpoints), with their traceparent sent along. undici reports every request
  // on diagnostics channels, so this works in the compiled bundles too: nothing hooks `require`.
  const unregister = registerInstrumentations({ tracerProvider: provider, instrumentations: [new UndiciInstrumentation()] });
  return { provider, unregister };
}
