import type { z } from 'zod';
import { ResponseShapeError, type Mall, type ShapeIssue } from '../../lib/errors.js';

/** zod issues as `path: message` pairs (`data.lastChangeStatuses[3].productOrderId`). */
export function shapeIssues(error: z.ZodError): ShapeIssue[] {
  return error.issues.slice(0, 10).map((i) => ({
    path: i.path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), ''),
    message: i.message,
  }));
}

/**
 * Validates a marketplace answer against its schema.
 *
 * @throws ResponseShapeError with the path of every mismatch.
 */
export function parseShape<S extends z.ZodType>(schema: S, value: unknown, mall: Mall, call: string, recordId?: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ResponseShapeError({ mall, call, issues: shapeIssues(result.error), ...(recordId ? { recordId } : {}) });
  return result.data;
}
