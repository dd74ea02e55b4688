// Colours come from VS Code's theme variables so charts follow light, dark and high-contrast
// themes. Canvas drawing cannot use var(), so values are read and re-read on theme change.

export interface Theme {
  foreground: string;
  background: string;
  grid: string;
  font: string;
  /** Series colours (VS Code's chart colours). */
  palette: string[];
  /** Stage band colours. */
  stage: Record<'teacher' | 'baseline' | 'distill' | 'evaluate', string>;
  positive: string;
  negative: string;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

export function readTheme(): Theme {
  const fg = cssVar('--vscode-editor-foreground', '#cccccc');
  const blue = cssVar('--vscode-charts-blue', '#3794ff');
  const red = cssVar('--vscode-charts-red', '#f14c4c');
  const green = cssVar('--vscode-charts-green', '#89d185');
  const yellow = cssVar('--vscode-charts-yellow', '#cca700');
  const orange = cssVar('--vscode-charts-orange', '#d18616');
  const purple = cssVar('--vscode-charts-purple', '#b180d7');
  const fontFamily = cssVar('--vscode-font-family', 'sans-serif');
  return {
    foreground: fg,
    background: cssVar('--vscode-editor-background', '#1e1e1e'),
    grid: cssVar('--vscode-editorWidget-border', 'rgba(128, 128, 128, 0.35)'),
    font: `11px ${fontFamily}`,
    palette: [blue, orange, green, red, purple, yellow, '#4ec9b0', '#c586c0', '#9cdcfe', '#ce9178'],
    stage: { teacher: purple, baseline: orange, distill: green, evaluate: cssVar('--vscode-descriptionForeground', '#999999') },
    positive: green,
    negative: red,
  };
}

/** Calls `onChange` when VS Code switches theme (it changes the body's class). */
export function watchTheme(onChange: (t: Theme) => void): void {
  new MutationObserver(() => onChange(readTheme())).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
