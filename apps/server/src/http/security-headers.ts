/**
 * The headers every response carries, as flat name/value pairs for `AppResponse.setDefaultHeaders`: the
 * request's id first, then the security headers, computed once from the configuration.
 */
export type DefaultHeaders = (requestId: string) => string[];

/**
 * The headers every response carries. API responses are JSON, never a page: no sniffing them into HTML, no framing,
 * no referrer leaking a URL, and a CSP that lets nothing load should one be opened as a document. `/docs` replaces
 * the CSP with its own when it writes its page. HSTS only when the server is published over https (PUBLIC_URL):
 * sent over plain http it would be ignored, and on a development machine it would pin localhost to https.
 *
 * helmet sets these and seven more (cross-origin opener and resource policies, DNS prefetch, download options…)
 * that mean nothing for a JSON API, through a chain of small middlewares per request; the list here is built once
 * and sent with the response's own headers in one `writeHead` (see AppResponse), where helmet's middlewares set
 * them one by one on every request.
 */
export function createDefaultHeaders(publicUrl: string | undefined): DefaultHeaders {
  const headers: [string, string][] = [
    ["x-content-type-options", "nosniff"],
    ["referrer-policy", "no-referrer"],
    ["x-frame-options", "DENY"],
    ["content-security-policy", "default-src 'none'; frame-ancestors 'none'"],
  ];
  if (publicUrl?.startsWith("https:")) headers.push(["strict-transport-security", "max-age=31536000; includeSubDomains"]);
  const flat = headers.flat();
  return (requestId) => ["x-request-id", requestId, ...flat];
}
