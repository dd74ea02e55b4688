// Types of the precompiled validator (schemaValidator.generated.js); see schemaValidatorCodegen.ts.
import type { ErrorObject } from 'ajv';

export interface CompiledValidator { (data: unknown): boolean; errors?: ErrorObject[] | null }
export const root: CompiledValidator;
/** oneOf alternative pointer (e.g. `/definitions/weight/oneOf/1`) -> export name. */
export const branchExports: Record<string, string>;
