import { useMutation } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { session } from "../auth/session.js";
import { errorMessage } from "../errors.js";
import { useTRPC } from "../trpc.js";

export function SignInPage() {
  const trpc = useTRPC();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const login = useMutation(trpc.auth.login.mutationOptions({ onSuccess: (pair) => session.store(pair) }));
  const errorId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ username, password });
  };

  return (
    <main id="main" className="sign-in">
      <form className="card sign-in-form" onSubmit={submit} aria-describedby={login.error ? errorId : undefined}>
        <h1>Sign in to Cadence</h1>
        <label>
          Username or email
          <input name="username" autoComplete="username" required value={username} onChange={(event) => setUsername(event.target.value)} />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        {login.error && (
          <p id={errorId} role="alert" className="error">
            {errorMessage(login.error)}
          </p>
        )}
        <button type="submit" className="primary" disabled={login.isPending}>
          {login.isPending ? "Signing in…" : "Sign in"}
        </button>
        <p className="hint">
          On a development server the demo account is <code>demo</code> / <code>cadence-demo</code>.
        </p>
      </form>
    </main>
  );
}
