import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { Db } from '../db/open';
import { redactText } from '../../execution/redact';
import { loadRecord, workflowSpans, type WorkflowRecord } from './trace';

/** The workflow's trace as an OTLP/JSON ExportTraceServiceRequest, the body a collector's /v1/traces accepts. */
export function otlpJson(db: Db, id: string): { fileName: string; json: string } {
  const bytes = JsonTraceSerializer.serializeRequest(workflowSpans(loadRecord(db, id)));
  if (!bytes) throw new Error(`could not serialise the trace of workflow ${id}`);
  const compact = new TextDecoder().decode(bytes);
  return { fileName: `runbook-agent-${id.slice(0, 8)}.otlp.json`, json: JSON.stringify(JSON.parse(compact), null, 2) };
}

/**
 * Sends the workflow's trace to an OTLP/HTTP endpoint (a collector's full URL, e.g. http://host:4318/v1/traces)
 * with the SDK's exporter. Headers carry what the collector needs (an API key); they are never logged.
 */
export async function exportOtlp(db: Db, id: string, endpoint: string, headers?: Record<string, string>): Promise<{ spans: number }> {
  return exportRecordOtlp(loadRecord(db, id), endpoint, headers);
}

/** exportOtlp over a record read from anywhere (a ControlStore under `serve --store`). */
export async function exportRecordOtlp(record: WorkflowRecord, endpoint: string, headers?: Record<string, string>): Promise<{ spans: number }> {
  const spans = workflowSpans(record);
  const exporter = new OTLPTraceExporter({ url: endpoint, headers, timeoutMillis: 10_000 });
  try {
    await new Promise<void>((resolve, reject) => {
      exporter.export(spans, (result) => {
        if (result.code === ExportResultCode.SUCCESS) resolve();
        else reject(new Error(`OTLP export to ${redactText(endpoint)} failed: ${result.error?.message ?? 'unknown error'}`));
      });
    });
  } finally {
    await exporter.shutdown();
  }
  return { spans: spans.length };
}
