import { TRPCError } from "@trpc/server";

/** The raw inputs of a request's calls, parsed once on first use, as tRPC's JSON content handler reads them. */
export interface CallInputs {
  /** The call's raw input (a procedure's `getRawInput`); rejects with BAD_REQUEST when the JSON is malformed. */
  read(index: number): Promise<unknown>;
  /** The input already parsed for the call, for error shapes; undefined before parsing or when it failed. */
  parsed(index: number): unknown;
}

type Parsed = { ok: true; inputs: Record<number, unknown> } | { ok: false; error: TRPCError };

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && !Array.isArray(value) && typeof value === "object";
}

function parse(text: string, isBatch: boolean, count: number, deserialize: (input: unknown) => unknown): Record<number, unknown> {
  const inputs: Record<number, unknown> = Object.create(null) as Record<number, unknown>;
  const raw: unknown = text ? JSON.parse(text) : undefined;
  if (raw === undefined) return inputs;
  if (!isBatch) {
    inputs[0] = deserialize(raw);
    return inputs;
  }
  if (!isObject(raw)) throw new TRPCError({ code: "BAD_REQUEST", message: '"input" needs to be an object when doing a batch call' });
  for (let index = 0; index < count; index++) {
    const input = raw[index];
    if (input !== undefined) inputs[index] = deserialize(input);
  }
  return inputs;
}

/** One object per request, its methods on the prototype: no closures to allocate for a call that has no input. */
class LazyInputs implements CallInputs {
  private loaded: Parsed | undefined;

  constructor(
    private readonly text: string | null | undefined,
    private readonly isBatch: boolean,
    private readonly count: number,
    private readonly deserialize: (input: unknown) => unknown,
  ) {}

  read(index: number): Promise<unknown> {
    const parsed = (this.loaded ??= this.load());
    return parsed.ok ? Promise.resolve(parsed.inputs[index]) : Promise.reject(parsed.error);
  }

  parsed(index: number): unknown {
    return this.loaded?.ok ? this.loaded.inputs[index] : undefined;
  }

  private load(): Parsed {
    try {
      return { ok: true, inputs: parse(this.text ?? "", this.isBatch, this.count, this.deserialize) };
    } catch (cause) {
      if (cause instanceof TRPCError) return { ok: false, error: cause };
      const message = cause instanceof Error ? cause.message : "Invalid input";
      return { ok: false, error: new TRPCError({ code: "BAD_REQUEST", message, cause }) };
    }
  }
}

/**
 * Inputs from `text` (the `input` query parameter of a GET, or a POST body; empty or absent means none): one
 * input, or for a batch an object keyed by call index. Any parse failure is BAD_REQUEST with the parser's message,
 * the same error every call of the request then gets.
 */
export function callInputs(text: string | null | undefined, isBatch: boolean, count: number, deserialize: (input: unknown) => unknown): CallInputs {
  return new LazyInputs(text, isBatch, count, deserialize);
}
