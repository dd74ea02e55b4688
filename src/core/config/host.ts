// File access for the validator. The editor passes a host that sees unsaved buffers;
// the CLI and the trainer use the Node file system.
import { existsSync, readFileSync, statSync } from 'node:fs';

export interface ConfigHost {
  exists(absPath: string): boolean;
  readText(absPath: string): string | undefined;
}

export const nodeFsHost: ConfigHost = {
  exists: (absPath) => existsSync(absPath),
  readText: (absPath) => {
    try {
      // A teacher model.json can be large; refuse anything that is not a plausible topology file.
      if (statSync(absPath).size > 64 * 1024 * 1024) return undefined;
      return readFileSync(absPath, 'utf8');
    } catch {
      return undefined;
    }
  },
};
