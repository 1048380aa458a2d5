import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, paths } from "./generated/schema.gen.js";

export type { components, operations, paths } from "./generated/schema.gen.js";

export interface CadenceRestClientOptions {
  /** The server's origin, e.g. `https://api.example.com`; requests go to `<origin>/api/v1`. */
  url: string;
  /** An access token or API key, sent as `Authorization: Bearer …`. */
  token?: string | (() => string | undefined);
  fetch?: typeof globalThis.fetch;
}

export type CadenceRestClient = Client<paths>;
export type ErrorBody = components["schemas"]["error.BAD_REQUEST"];

/** A REST client typed from the served OpenAPI document (openapi-typescript + openapi-fetch). */
export function createCadenceRestClient(options: CadenceRestClientOptions): CadenceRestClient {
  const client = createClient<paths>({
    baseUrl: `${options.url.replace(/\/+$/, "")}/api/v1`,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const auth: Middleware = {
    onRequest({ request }) {
      const token = typeof options.token === "function" ? options.token() : options.token;
      if (token) request.headers.set("authorization", `Bearer ${token}`);
      return request;
    },
  };
  client.use(auth);
  return client;
}
