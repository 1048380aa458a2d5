// negotiator 1.x ships no types, and @types/negotiator describes 0.6, which lacks the `preferred` option.
declare module "negotiator" {
  interface NegotiatorOptions {
    /** Breaks ties between equally weighted entries (q-values still win). */
    preferred?: readonly string[];
  }
  class Negotiator {
    constructor(request: { headers: Readonly<Record<string, string | readonly string[] | undefined>> });
    encoding(available: readonly string[], options?: NegotiatorOptions): string | undefined;
  }
  export = Negotiator;
}
