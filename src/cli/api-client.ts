/** Minimal REST client for `--server`: the CLI talks to a running service like any SaaS backend. */
export class ApiClient {
  constructor(
    private readonly base: string,
    private readonly key: string,
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(new URL(path, this.base), {
      method,
      headers: {
        Authorization: `Bearer ${this.key}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep text
    }
    if (res.status >= 400) {
      const p = parsed as { title?: string; detail?: string; errors?: { field: string; message: string }[] };
      const fields = p.errors?.map((e) => `\n  ${e.field}: ${e.message}`).join('') ?? '';
      throw new Error(`${res.status} ${p.title ?? ''}: ${p.detail ?? text}${fields}`);
    }
    return { status: res.status, body: parsed as T };
  }
}
