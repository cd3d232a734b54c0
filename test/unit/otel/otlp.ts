/** Reads an OTLP/JSON ExportTraceServiceRequest back into flat spans, the way a collector would see them. */
type AnyValue = { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean };
type KeyValue = { key: string; value: AnyValue };
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: KeyValue[];
  events: Array<{ name: string; timeUnixNano: string; attributes: KeyValue[] }>;
  status: { code?: number; message?: string };
}
export interface OtlpRequest {
  resourceSpans: Array<{ resource: { attributes: KeyValue[] }; scopeSpans: Array<{ scope: { name: string }; spans: OtlpSpan[] }> }>;
}

const valueOf = (v: AnyValue) => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.doubleValue ?? v.boolValue));
export const attrs = (kvs: KeyValue[]) => Object.fromEntries(kvs.map((kv) => [kv.key, valueOf(kv.value)]));

export interface FlatSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  startMs: number;
  endMs: number;
  attributes: Record<string, unknown>;
  events: Array<{ name: string; ms: number; attributes: Record<string, unknown> }>;
  status: { code: number; message?: string };
}

const ms = (nanos: string) => Number(BigInt(nanos) / 1_000_000n);

export function flatten(request: OtlpRequest): { resource: Record<string, unknown>; spans: FlatSpan[] } {
  const rs = request.resourceSpans[0]!;
  const spans = request.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  return {
    resource: attrs(rs.resource.attributes),
    spans: spans.map((s) => ({
      traceId: s.traceId,
      spanId: s.spanId,
      parentSpanId: s.parentSpanId || undefined,
      name: s.name,
      kind: s.kind,
      startMs: ms(s.startTimeUnixNano),
      endMs: ms(s.endTimeUnixNano),
      attributes: attrs(s.attributes),
      events: s.events.map((e) => ({ name: e.name, ms: ms(e.timeUnixNano), attributes: attrs(e.attributes) })),
      status: { code: s.status.code ?? 0, message: s.status.message },
    })),
  };
}
