/** encodeURIComponent that does not throw on lone surrogates: they go as U+FFFD, as any UTF-8 encoder sends them. */
export function encodeUri(value: string): string {
  return encodeURIComponent(value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd"));
}

/** Strings a hostile or careless client sends: unicode edge cases, control characters, whitespace, injections. */
export const HOSTILE_STRINGS: string[] = [
  "",
  " ",
  "   \t\n",
  "\u0000",
  "a\u0000b",
  "%00",
  "\u00a0",
  "\u200b\u200d\ufeff",
  "𝒜𝓈𝓉𝓇𝒶𝓁 😀🏳️‍🌈👩🏽‍💻",
  "\u{10ffff}\u{1f4a9}",
  "\ud800",
  "\udfff\ud800",
  "مرحبا بالعالم",
  "\u202eabc\u202c",
  "עברית\u200fmixed",
  "e\u0301\u0301\u0301\u0301\u0301",
  "Z̷̢̛̫͎̓a̸̧̛̗͐l̵̨̈g̴̳̈́o̶͚͝",
  "ﷺ",
  "\r\n\r\n",
  "\u001b[31mred",
  "' OR '1'='1' --",
  "'); DROP TABLE users; --",
  "%' OR '%'='",
  "\\",
  "_%",
  "../../etc/passwd",
  "<script>alert(1)</script>",
  "${jndi:ldap://x}",
  "{{7*7}}",
  "null",
  "undefined",
  "NaN",
  "-0",
  "1e400",
  "0x10",
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
  "0000-01-01",
  "9999-12-31",
  "2024-02-30",
  "0000-01-01T00:00:00Z",
  "1970-01-01T00:00:00+25:00",
  "x".repeat(10_000),
  "😀".repeat(5_000),
];

/** Numbers at the edges of JSON, JavaScript and PostgreSQL. */
export const HOSTILE_NUMBERS: number[] = [
  0,
  -0,
  -1,
  0.5,
  1.5,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 53,
  2 ** 53 + 2,
  2 ** 63,
  2 ** 64,
  -(2 ** 63) - 1,
  1e21,
  1e308,
  -1e308,
  Number.MIN_VALUE,
  Number.MAX_VALUE,
  Number.EPSILON,
];

/** Query-string values: what a URL can carry that no JSON type captures. */
export const HOSTILE_QUERY_VALUES: string[] = ["", " ", "1.0", "1e3", " 1", "1 ", "+1", "-1", "0x1F", "Infinity", "NaN", "99999999999999999999999", "true", "[]", "%", "%00"];

/** Content types that are not the documented application/json. */
export const WRONG_CONTENT_TYPES: (string | null)[] = [
  null,
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/xml",
  "application/jsonp",
  "json",
  "application/json-patch+json",
];

/** Bodies that are not a JSON object. */
export const MALFORMED_BODIES: string[] = ["", "{", "{\"a\":", "{'a':1}", "[1,2", "nul", "\u0000", "{\"a\":1}garbage", "\ufeff{}", "\"\\ud800\"", "1e400", "{\"__proto__\":{\"x\":1}}"];
