import * as vscode from 'vscode';
import type { StepResults } from './stepResults';

/** A gutter mark on every step whose last run failed, in every visible runbook editor. */
export function registerFailedSteps(context: vscode.ExtensionContext, results: StepResults): void {
  const icon = (name: string) => vscode.Uri.joinPath(context.extensionUri, 'media', name);
  const decoration = vscode.window.createTextEditorDecorationType({
    light: { gutterIconPath: icon('step-failed-light.svg') },
    dark: { gutterIconPath: icon('step-failed-dark.svg') },
    gutterIconSize: 'contain',
    overviewRulerColor: new vscode.ThemeColor('editorError.foreground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  const paint = async (editor: vscode.TextEditor) => {
    const steps = await results.get(editor.document);
    const ranges = steps
      .filter((s) => s.last?.status === 'failed')
      .map((s) => {
        const line = Math.min(s.startLine - 1, editor.document.lineCount - 1);
        return { range: new vscode.Range(line, 0, line, 0), hoverMessage: `Failed last time: ${s.stepId}` };
      });
    editor.setDecorations(decoration, ranges);
  };
  const paintAll = () => vscode.window.visibleTextEditors.forEach((e) => void paint(e));
  context.subscriptions.push(
    decoration,
    vscode.window.onDidChangeVisibleTextEditors(paintAll),
    results.onDidChange(paintAll),
  );
  paintAll();
}
