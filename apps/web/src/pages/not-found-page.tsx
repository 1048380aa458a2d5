import { Link } from "../navigation/link.js";

export function NotFoundPage() {
  return (
    <section className="page">
      <h1>Page not found</h1>
      <p>
        <Link href="/projects">Back to your projects</Link>
      </p>
    </section>
  );
}
