// The floor: node:http answering every request with a fixed JSON body in one write.
import { createServer } from "node:http";

const body = JSON.stringify({ status: "ok" });
const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(body) };

createServer((_req, res) => {
  res.writeHead(200, headers).end(body);
}).listen(Number(process.env.PORT), "127.0.0.1");
