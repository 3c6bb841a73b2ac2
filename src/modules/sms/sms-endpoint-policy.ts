import { Inject, Injectable } from '@nestjs/common';
import { DestinationPolicy, RefusalKind } from '../../common/net/destination-policy';
import { invalidArgument } from '../../common/errors/zitadel-error';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';

const ERROR_IDS: Record<RefusalKind, string> = {
  scheme: 'SMS-EndpointScheme',
  credentials: 'SMS-EndpointCredentials',
  'not-public': 'SMS-EndpointNotPublic',
};

/**
 * Where the HTTP SMS provider may send: public addresses, and what
 * SMS_HTTP_ALLOWED_HOSTS lists. Checked when an endpoint is stored (here) and
 * again for each message, in the connection (the notifications' HTTP sender).
 */
@Injectable()
export class SmsEndpointPolicy {
  readonly destinations: DestinationPolicy;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.destinations = new DestinationPolicy(config.smsHttpAllowedHosts);
  }

  /** 400 (code 3) for an endpoint the provider must not be pointed at; `endpoint` already passed the URL rule. */
  assertAllowed(endpoint: string): void {
    const refusal = this.destinations.refusalForUrl(new URL(endpoint));
    if (!refusal) return;
    const hint = refusal.kind === 'not-public' ? ' (an operator can allow it with SMS_HTTP_ALLOWED_HOSTS)' : '';
    throw invalidArgument(ERROR_IDS[refusal.kind], `${refusal.reason}${hint}`);
  }
}
