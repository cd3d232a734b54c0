import type { Connection } from 'vscode-languageserver/node';
import { indexProgress, indexWorkspace, retrievalStatus, searchRunbooks } from '../../../protocol/retrieval';
import { Retriever } from '../../memory/retrieval/retriever';
import { hitLocation } from '../../memory/retrieval/search';
import { handleRequest } from './rpc';

const PREVIEW_CHARS = 400;

/** Serves runbook indexing and search over the engine's one Retriever (see services.ts). */
export function registerRetrievalHandlers(connection: Connection, get: () => Retriever): void {
  handleRequest(connection, indexWorkspace, async ({ root, paths, exclude }) => {
    let last = 0;
    const report = await get().index(root, {
      only: paths,
      scan: { exclude },
      onProgress: (p) => {
        // At most a few notifications per second: progress is for people, not a log.
        const now = Date.now();
        if (now - last < 200 && p.done !== p.total) return;
        last = now;
        void connection.sendNotification(indexProgress.method, { root, ...p });
      },
    });
    return {
      root: report.root,
      modelId: report.modelId,
      files: report.files,
      changed: report.changed,
      unchanged: report.unchanged,
      removed: report.removed,
      skipped: report.skipped.map((s) => ({ path: s.rel, reason: s.reason })),
      embedded: report.embedded,
      ms: report.ms,
    };
  });

  handleRequest(connection, searchRunbooks, async ({ query, k, mode, groupByDocument }) => {
    const hits = await get().search(query, { k, mode, groupByDocument });
    return {
      hits: hits.map((h) => ({ root: h.root, ...hitLocation(h), preview: h.text.slice(0, PREVIEW_CHARS) })),
    };
  });

  handleRequest(connection, retrievalStatus, ({ roots, exclude }) => {
    let r: Retriever;
    try {
      r = get();
    } catch (error) {
      return { documents: 0, chunks: 0, modelId: null, lastIndexedAt: null, indexing: false, staleFiles: 0, problem: (error as Error).message };
    }
    const status = r.status();
    let staleFiles = 0;
    for (const root of roots) {
      const f = r.freshness(root, { exclude });
      staleFiles += f.changed.length + f.deleted.length + f.added.length;
    }
    return { ...status, staleFiles, problem: null };
  });
}
