import { redactText } from '../../execution/redact';

/** The four methods of connection.console the engine writes to. */
export interface LogSink {
  log(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * The engine's log lines end up in the editor's output channel and in bug reports, and they quote error
 * messages, commands and alert text: every line is redacted before it leaves.
 */
export function redactingLog(sink: LogSink): LogSink {
  return {
    log: (m) => sink.log(redactText(m)),
    info: (m) => sink.info(redactText(m)),
    warn: (m) => sink.warn(redactText(m)),
    error: (m) => sink.error(redactText(m)),
  };
}

/** The same for a one-method callback (the agents' and the retriever's `log` option). */
export function redactingLine(write: (message: string) => void): (message: string) => void {
  return (m) => write(redactText(m));
}
