// Retrieval for evaluation runs: each case's workspace is indexed into that run's own database, as `triage` does,
// so one case's runbooks never rank another's; the embedding model is loaded once and shared by every run.
import type { Db } from '../../control/db/open';
import { Embedder } from '../../memory/embed/embedder';
import { Retriever } from '../../memory/retrieval/retriever';
import type { AlertQuery } from '../../memory/retrieval/query';
import type { SearchHit } from '../../memory/retrieval/search';

/** A retriever that borrows an embedder it does not own (close() leaves it open). */
class BorrowingRetriever extends Retriever {
  constructor(
    db: Db,
    modelDir: string,
    private readonly shared: Promise<Embedder>,
  ) {
    super({ db, modelDir });
  }

  override embedder(): Promise<Embedder> {
    return this.shared;
  }
}

export interface CaseSearch {
  search(query: string | AlertQuery, k: number): Promise<SearchHit[]>;
  close(): Promise<void>;
}

export class EvalRetrieval {
  private embedder: Promise<Embedder> | null = null;

  /** `modelDir` null: no retrieval (planners see no sections; the runbook planner chooses by reference and name). */
  constructor(readonly modelDir: string | null) {}

  /** Loads the embedding model; a problem (no model, no built worker) in words, else null. */
  async open(): Promise<string | null> {
    if (this.modelDir === null) return null;
    this.embedder ??= Embedder.open({ modelDir: this.modelDir });
    try {
      await this.embedder;
      return null;
    } catch (error) {
      this.embedder = null;
      return (error as Error).message;
    }
  }

  /** Indexes `workspace` into `db` and searches only it. */
  async forCase(db: Db, workspace: string): Promise<CaseSearch> {
    if (this.modelDir === null) return { search: async () => [], close: async () => undefined };
    this.embedder ??= Embedder.open({ modelDir: this.modelDir });
    const retriever = new BorrowingRetriever(db, this.modelDir, this.embedder);
    await retriever.index(workspace);
    return {
      search: async (query, k) => (await retriever.search(query, { k: k * 3, mode: 'hybrid' })).filter((h) => h.root === workspace).slice(0, k),
      close: () => retriever.close(),
    };
  }

  async close(): Promise<void> {
    const e = this.embedder;
    this.embedder = null;
    if (e) await (await e.catch(() => null))?.close();
  }
}
