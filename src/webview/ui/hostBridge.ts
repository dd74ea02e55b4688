// The webview's side of the host connection. In VS Code it wraps acquireVsCodeApi(); in a
// static report (no host) it answers `ready` with the snapshot embedded in the page, and
// saves files with a browser download.
import { REPORT_SNAPSHOT_ELEMENT_ID, type WebviewToHostMessage } from '../../core/protocol/messages';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export interface HostBridge {
  post(msg: WebviewToHostMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
  /** Raw incoming data; the panel validates it with the protocol's parser. */
  onMessage(listener: (data: unknown) => void): void;
}

export function connectHost(): HostBridge {
  if (typeof acquireVsCodeApi === 'function') {
    const api = acquireVsCodeApi();
    return {
      post: (m) => api.postMessage(m),
      getState: () => api.getState(),
      setState: (s) => api.setState(s),
      onMessage: (l) => window.addEventListener('message', (e: MessageEvent) => l(e.data)),
    };
  }
  return staticReportBridge();
}

function staticReportBridge(): HostBridge {
  const listeners: Array<(d: unknown) => void> = [];
  let state: unknown;
  return {
    post(m) {
      switch (m.type) {
        case 'ready': {
          const el = document.getElementById(REPORT_SNAPSHOT_ELEMENT_ID);
          if (!el?.textContent) return;
          let data: unknown;
          try {
            data = JSON.parse(el.textContent);
          } catch {
            return;
          }
          queueMicrotask(() => listeners.forEach((l) => l(data)));
          return;
        }
        case 'saveFile': {
          const a = document.createElement('a');
          a.download = m.name;
          a.href = m.mime === 'image/png' ? m.data : URL.createObjectURL(new Blob([m.data], { type: m.mime }));
          a.click();
          return;
        }
        case 'error':
          console.error(m.message);
          return;
        default: {
          const unhandled: never = m;
          void unhandled;
        }
      }
    },
    getState: () => state,
    setState: (s) => { state = s; },
    onMessage: (l) => { listeners.push(l); },
  };
}
