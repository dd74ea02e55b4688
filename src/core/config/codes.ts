// Every diagnostic code the validator emits, with the text docs/config.md lists.
// Codes are stable: editors, CI scripts and tests match on them.

export const diagnosticCodes = {
  // Reading the text
  'invalid-utf8': { severity: 'error', doc: 'The file is not valid UTF-8; the line of the first bad byte is reported.' },
  'file-too-large': { severity: 'error', doc: 'The config is larger than 256 KiB; it is not parsed.' },
  'too-deep': { severity: 'error', doc: 'Brackets nest more than 64 levels deep; rejected before parsing.' },
  'empty-config': { severity: 'error', doc: 'The file holds no YAML document.' },
  'yaml-syntax': { severity: 'error', doc: 'The YAML does not parse (unclosed bracket, bad indentation, ...).' },
  'yaml-tab': { severity: 'error', doc: 'A tab is used for indentation; YAML allows spaces only.' },
  'yaml-tag': { severity: 'warning', doc: 'A custom YAML tag (`!!js/function`, `!import`, ...) is ignored: configs never construct objects or run code; the value is read as plain data.' },
  'multiple-documents': { severity: 'error', doc: 'More than one YAML document (`---`); a config is one document.' },
  'not-a-mapping': { severity: 'error', doc: 'The document is a list or a scalar; a config is a mapping of keys.' },
  'duplicate-key': { severity: 'error', doc: 'A key appears twice in the same mapping (fix: remove the duplicate).' },
  'alias-limit': { severity: 'error', doc: 'Too many YAML aliases (a "billion laughs" expansion); rejected before expansion.' },
  'unresolved-alias': { severity: 'error', doc: 'An alias `*name` refers to no anchor `&name` before it.' },
  // Shape (the JSON schema)
  'unknown-key': { severity: 'error', doc: 'A key the schema does not define (fix: the closest valid key).' },
  'unknown-layer-type': { severity: 'error', doc: 'A layer type that does not exist (fix: the closest layer type).' },
  'layer-shape': { severity: 'error', doc: 'A layer is not a one-key map `{type: {options}}`.' },
  'missing-key': { severity: 'error', doc: 'A required key is missing (fix: insert it).' },
  type: { severity: 'error', doc: 'A value has the wrong type (a string where a number belongs, ...).' },
  enum: { severity: 'error', doc: 'A value outside its allowed set (fix: the closest allowed value).' },
  version: { severity: 'error', doc: '`version` is not 1.' },
  'out-of-range': { severity: 'error', doc: 'A number, list or string outside its allowed range (e.g. a negative size, an empty list).' },
  pattern: { severity: 'error', doc: 'A name with characters it may not contain.' },
  schema: { severity: 'error', doc: 'Any other schema violation.' },
  'internal-error': { severity: 'error', doc: 'A bug in the validator itself (please report it); the message says what failed.' },
  // Meaning (semantic checks)
  'teacher-source': { severity: 'error', doc: '`teacher` needs exactly one of `path` or `layers`.' },
  'needs-teacher': { severity: 'error', doc: 'A distillation loss (anything but `cross_entropy`) without a `teacher`.' },
  'unknown-layer': { severity: 'error', doc: 'A loss names a layer that the teacher or student does not have (related: the declared names; fix: the closest name).' },
  'duplicate-layer-name': { severity: 'error', doc: 'Two layers of one model share a `name`.' },
  'duplicate-loss-id': { severity: 'error', doc: 'Two loss terms share an `id`.' },
  'output-units': { severity: 'error', doc: 'The last layer is not a dense layer with one unit per class of the dataset (mnist 10, spam-assassin 2).' },
  'embedding-needs-text': { severity: 'error', doc: 'An `embedding` layer with a dataset that is not text.' },
  'text-unused': { severity: 'warning', doc: '`data.text` is given but the dataset is not text.' },
  'file-not-found': { severity: 'error', doc: 'A file or folder the config names does not exist (paths are relative to the config file).' },
  'path-outside': { severity: 'warning', doc: 'A path leads outside the config file\'s folder tree; the experiment is then not self-contained.' },
  'teacher-model': { severity: 'error', doc: 'The teacher `model.json` is not a readable tfjs LayersModel topology.' },
  'split-too-large': { severity: 'error', doc: 'The split asks for more examples than the dataset has (mnist 10,000; spam-assassin 6,046), or fractions sum to more than 1.' },
  'split-count': { severity: 'error', doc: 'A split size >= 1 that is not a whole number.' },
} as const satisfies Record<string, { severity: 'error' | 'warning' | 'info'; doc: string }>;

export type DiagnosticCode = keyof typeof diagnosticCodes;
