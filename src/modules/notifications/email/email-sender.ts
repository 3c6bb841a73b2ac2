import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport } from 'nodemailer';
import { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.module';
import { DeliveryError } from '../delivery/delivery-error';
import { SentMessage } from '../sms/sms-sender';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

type Transport = ReturnType<typeof createTransport>;

/**
 * Email through nodemailer to SMTP_URL, from SMTP_FROM. The transport keeps
 * a small pool of SMTP connections so that a burst of codes does not open one
 * connection per message.
 */
@Injectable()
export class EmailSender implements OnApplicationShutdown {
  private transport?: Transport;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async send(message: EmailMessage): Promise<SentMessage> {
    const smtp = this.config.smtp;
    if (!smtp) throw new DeliveryError('permanent', 'SMTP_URL is not set: email codes cannot be sent');
    this.transport ??= createTransport({
      url: smtp.url,
      pool: true,
      maxConnections: 5,
      connectionTimeout: this.config.notifications.sendTimeoutMs,
      greetingTimeout: this.config.notifications.sendTimeoutMs,
      socketTimeout: this.config.notifications.sendTimeoutMs,
    } as Parameters<typeof createTransport>[0]);
    const info = await this.transport.sendMail({ from: smtp.from, to: message.to, subject: message.subject, text: message.text, html: message.html });
    return { providerMessageId: typeof info?.messageId === 'string' ? info.messageId : null };
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
