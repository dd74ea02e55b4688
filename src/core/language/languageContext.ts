// What the language functions need besides the text: where the config lives, a way to
// read files (the editor's host sees unsaved buffers; tests pass an in-memory one), and
// the schema.
import { distillSchema } from '../config/schemaInfo';
import { SchemaNavigator, type JsonSchemaObject } from './schemaNavigator';

export interface DirectoryEntry { name: string; isDirectory: boolean }

export interface LanguageHost {
  /** Text of a file, or undefined when it cannot be read. */
  readFile(absPath: string): Promise<string | undefined>;
  /** Entries of a folder, or undefined when it does not exist. */
  readDirectory(absPath: string): Promise<DirectoryEntry[] | undefined>;
}

export interface LanguageContext {
  /** Absolute path of the config file; relative paths in it are resolved against its folder. */
  configPath?: string;
  host?: LanguageHost;
  /** Width of a tab when the user indents with tabs (YAML forbids them; we still read them). */
  tabSize?: number;
  /** The schema to work from; the published one by default. */
  schema?: JsonSchemaObject;
}

const navigators = new WeakMap<object, SchemaNavigator>();

export function navigatorFor(ctx: LanguageContext): SchemaNavigator {
  const schema = ctx.schema ?? (distillSchema as unknown as JsonSchemaObject);
  let nav = navigators.get(schema);
  if (!nav) navigators.set(schema, (nav = new SchemaNavigator(schema)));
  return nav;
}
