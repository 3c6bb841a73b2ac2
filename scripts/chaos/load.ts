/**
 * Sends the codes through the API as clients would: one CreateUser per code
 * (`POST /resources/v3alpha/users` with `contact.phone.sendCode`), each to a
 * number of its own, paced evenly over the sending phase so that the chaos
 * hits steady traffic rather than one burst.
 */
export interface LoadOptions {
  apiUrl: string;
  token: string;
  schemaId: string;
  organizationId: string;
  phones: string[];
  durationMs: number;
  concurrency: number;
}

export interface LoadResult {
  /** phone → user id, for every code the API accepted (201). */
  users: Map<string, string>;
  /** Requests the API did not accept: status or network error, with the phone. */
  refused: Array<{ phone: string; answer: string }>;
}

export class CodeLoad {
  readonly users = new Map<string, string>();
  readonly refused: LoadResult['refused'] = [];
  private next = 0;

  constructor(private readonly options: LoadOptions) {}

  /** The share of codes answered so far (accepted or refused), 0–1. */
  get progress(): number {
    return (this.users.size + this.refused.length) / this.options.phones.length;
  }

  async run(): Promise<LoadResult> {
    const started = Date.now();
    const perCodeMs = this.options.durationMs / this.options.phones.length;
    await Promise.all(
      Array.from({ length: this.options.concurrency }, async () => {
        while (this.next < this.options.phones.length) {
          const index = this.next++;
          const due = started + index * perCodeMs;
          if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
          await this.send(this.options.phones[index], index);
        }
      }),
    );
    return { users: this.users, refused: this.refused };
  }

  private async send(phone: string, index: number): Promise<void> {
    const { apiUrl, token, schemaId, organizationId } = this.options;
    try {
      const response = await fetch(`${apiUrl}/resources/v3alpha/users?organization.orgId=${encodeURIComponent(organizationId)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ schemaId, data: { name: `chaos ${index}` }, contact: { phone: { number: phone, sendCode: {} } } }),
      });
      const text = await response.text();
      if (response.status === 201) this.users.set(phone, (JSON.parse(text) as { details: { id: string } }).details.id);
      else this.refused.push({ phone, answer: `${response.status} ${text.slice(0, 200)}` });
    } catch (error) {
      this.refused.push({ phone, answer: (error as Error)?.message ?? String(error) });
    }
  }
}
