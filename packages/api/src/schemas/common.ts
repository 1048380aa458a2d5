import { z } from "zod";

/** Timestamps leave the API as ISO 8601 strings in UTC. */
export const Timestamp = z.iso.datetime();

export const Id = z.uuid();

/** A calendar date `YYYY-MM-DD` that PostgreSQL can store (year 0001 or later). */
export const IsoDate = z.iso.date().regex(/^(?:000[1-9]|00[1-9]\d|0[1-9]\d\d|[1-9]\d{3})-/, "year must be 0001 or later");

export const PageInput = {
  page: z.number().int().min(1).default(1).describe("1-based page number"),
  perPage: z.number().int().min(1).max(100).default(20).describe("Items per page, 1-100"),
};

/** The meta key under which a PATCH input names the fields of which at least one must be sent. */
export const AT_LEAST_ONE_OF = "atLeastOneOf";

/**
 * A PATCH input: a strict object of which at least one of `fields` must be sent. The rule is kept in the schema's
 * meta too, because the OpenAPI generator drops refinements; openapi.ts writes it into the request body schema.
 */
export function atLeastOneOf<Shape extends z.ZodRawShape>(shape: Shape, fields: readonly (keyof Shape & string)[], message?: string) {
  return z
    .strictObject(shape)
    .refine(
      (input) => fields.some((field) => (input as Record<string, unknown>)[field] !== undefined),
      message ?? `Send at least one of ${fields.join(", ")}`,
    )
    .meta({ [AT_LEAST_ONE_OF]: fields });
}

/** `{items, page, perPage, total, totalPages}` around any item schema. */
export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      items: z.array(item),
      page: z.number().int(),
      perPage: z.number().int(),
      total: z.number().int(),
      totalPages: z.number().int(),
    })
    .meta({ id });
}

export function toPage<T>(items: T[], total: number, page: number, perPage: number) {
  return { items, page, perPage, total, totalPages: Math.ceil(total / perPage) };
}

export function iso(date: Date): string {
  return date.toISOString();
}

export function isoOrNull(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
