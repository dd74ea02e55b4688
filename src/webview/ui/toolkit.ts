// The only module that imports @vscode/webview-ui-toolkit (archived upstream): panels build
// controls through these factories, so replacing the toolkit touches this file alone.
import {
  provideVSCodeDesignSystem, vsCodeBadge, vsCodeButton, vsCodeCheckbox, vsCodeDivider, vsCodeDropdown, vsCodeOption,
} from '@vscode/webview-ui-toolkit';

let registered = false;

export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDropdown(), vsCodeOption(), vsCodeDivider(), vsCodeBadge());
}

export function button(label: string, onClick: () => void, opts: { title?: string; secondary?: boolean } = {}): HTMLElement {
  const b = document.createElement('vscode-button');
  b.textContent = label;
  if (opts.title) b.title = opts.title;
  if (opts.secondary) b.setAttribute('appearance', 'secondary');
  b.addEventListener('click', onClick);
  return b;
}

export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void): HTMLElement {
  const c = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
  c.textContent = label;
  c.checked = checked;
  if (checked) c.setAttribute('checked', '');
  c.addEventListener('change', () => onChange(Boolean(c.checked)));
  return c;
}

export function dropdown<T extends string>(
  options: ReadonlyArray<{ value: T; label: string }>, value: T, onChange: (value: T) => void, title?: string,
): HTMLElement {
  const d = document.createElement('vscode-dropdown') as HTMLElement & { value: string };
  if (title) d.title = title;
  for (const o of options) {
    const opt = document.createElement('vscode-option');
    opt.setAttribute('value', o.value);
    opt.textContent = o.label;
    if (o.value === value) opt.setAttribute('selected', '');
    d.appendChild(opt);
  }
  d.addEventListener('change', () => {
    const v = options.find((o) => o.value === d.value);
    if (v) onChange(v.value);
  });
  return d;
}

export function divider(): HTMLElement {
  return document.createElement('vscode-divider');
}

export function badge(text: string): HTMLElement {
  const b = document.createElement('vscode-badge');
  b.textContent = text;
  return b;
}
