import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The whole message as received. */
  raw: string;
  /** Headers and body with quoted-printable soft breaks and escapes undone: good enough to search for text. */
  decoded: string;
  subject: string;
  /** The leaf parts of the message, decoded (quoted-printable or base64), by content type. */
  parts: Array<{ contentType: string; body: string }>;
}

/**
 * A real SMTP server (smtp-server) on 127.0.0.1 that keeps every message.
 * `rejectNext(code)` refuses the next message with that SMTP reply code.
 */
export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  url = '';
  private server?: SMTPServer;
  private rejections: number[] = [];

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const rejection = this.rejections.shift();
          if (rejection) {
            return callback(Object.assign(new Error('stand-in refuses this message'), { responseCode: rejection }));
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const decoded = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
          this.mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            decoded,
            subject: /^Subject: (.*)$/im.exec(raw)?.[1]?.trim() ?? '',
            parts: mimeParts(raw),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
    return this;
  }

  rejectNext(...responseCodes: number[]): void {
    this.rejections.push(...responseCodes);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/**
 * Just enough MIME for the mails this service sends (nodemailer's
 * multipart/alternative of text and HTML): splits on the boundaries and
 * undoes each part's transfer encoding.
 */
export function mimeParts(entity: string): Array<{ contentType: string; body: string }> {
  const split = /\r?\n\r?\n/.exec(entity);
  const headers = split ? entity.slice(0, split.index) : entity;
  const body = split ? entity.slice(split.index + split[0].length) : '';
  const unfolded = headers.replace(/\r?\n[ \t]+/g, ' ');
  const contentType = /^Content-Type:\s*([^;\r\n]+)/im.exec(unfolded)?.[1]?.trim().toLowerCase() ?? 'text/plain';
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(unfolded)?.[1];
  if (contentType.startsWith('multipart/') && boundary) {
    return body
      .split(`--${boundary}`)
      .slice(1, -1)
      .flatMap((part) => mimeParts(part.replace(/^\r?\n/, '')));
  }
  const encoding = /^Content-Transfer-Encoding:\s*(\S+)/im.exec(unfolded)?.[1]?.toLowerCase();
  let decoded = body;
  if (encoding === 'base64') decoded = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  else if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    decoded = Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return [{ contentType, body: decoded.replace(/\r\n/g, '\n') }];
}
