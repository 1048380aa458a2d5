import { login, type TokenPair } from "./auth.js";
import { TEST_ADMIN, type TestServer } from "./server.js";

/** Logs in as the admin that every test server bootstraps from ADMIN_EMAIL / ADMIN_PASSWORD. */
export function loginAdmin(server: TestServer): Promise<TokenPair> {
  return login(server, TEST_ADMIN.username, TEST_ADMIN.password);
}
