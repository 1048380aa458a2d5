import type { Operation } from "../contract/validator.js";
import type { Components, Schema } from "./schema-arbitrary.js";

interface Parameter {
  in: "path" | "query" | "header" | "cookie";
  name: string;
  required?: boolean;
  schema: Schema;
}

interface DocumentOperation extends Operation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
}

export interface FuzzDocument {
  paths: Record<string, Record<string, DocumentOperation>>;
  components: Components & Record<string, unknown>;
}

/** One operation of the document, in the shape the case generator reads. */
export interface FuzzOperation {
  method: string;
  path: string;
  operationId: string;
  operation: Operation;
  pathParams: Parameter[];
  queryParams: Parameter[];
  headerParams: Parameter[];
  body: Schema | undefined;
  bodyRequired: boolean;
  /** Documents a security requirement: anonymous callers must get 401. */
  secured: boolean;
  /** Literal path segments of the whole document ("me", "members"): a path parameter spelled so names another route. */
  reservedSegments: string[];
}

/** Every operation of the document, in document order. */
export function operationsOf(document: FuzzDocument): FuzzOperation[] {
  const reservedSegments = [...new Set(Object.keys(document.paths).flatMap((path) => path.split("/").filter((segment) => segment && !segment.startsWith("{"))))];
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const parameters = operation.parameters ?? [];
      return {
        method: method.toUpperCase(),
        path,
        operationId: operation.operationId,
        operation,
        pathParams: parameters.filter((parameter) => parameter.in === "path"),
        queryParams: parameters.filter((parameter) => parameter.in === "query"),
        headerParams: parameters.filter((parameter) => parameter.in === "header"),
        body: operation.requestBody?.content["application/json"]?.schema,
        bodyRequired: operation.requestBody?.required ?? false,
        secured: (operation.security ?? []).length > 0,
        reservedSegments,
      };
    }),
  );
}
