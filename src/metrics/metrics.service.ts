import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

import type { Transport } from '../common/instrumentation/rpc-instrumentation';

export type { Transport };

/** What a queue-depth collector reports: one number, or one per state (waiting, delayed, failed…). */
export type QueueDepth = number | Record<string, number>;

/**
 * The service's Prometheus metrics, on a registry of its own per application
 * (two apps in one process, as in the e2e suites, do not share counters).
 * Every transport records its calls here; the delivery module records
 * deliveries and reports the queue depth.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  /** Requests by RPC (ZITADEL's method name, e.g. UpdateSMSProviderTwilioToken), transport and gRPC code. */
  readonly requests = new Counter({
    name: 'identity_rpc_requests_total',
    help: 'Requests handled, by RPC, transport and gRPC status code of the answer',
    labelNames: ['rpc', 'transport', 'code'] as const,
    registers: [this.registry],
  });

  readonly latency = new Histogram({
    name: 'identity_rpc_duration_seconds',
    help: 'Time from receiving a request to finishing its answer, by RPC, transport and gRPC status code',
    labelNames: ['rpc', 'transport', 'code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** Deliveries of notifications, e.g. `deliveries.inc({ channel: 'sms', outcome: 'sent' })`. */
  readonly deliveries = new Counter({
    name: 'identity_notification_deliveries_total',
    help: 'Notification delivery attempts by channel (sms, email) and outcome (sent, retry, failed, expired…)',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Codes refused by a send limit, e.g. `sendRefusals.inc({ channel: 'sms', reason: 'caller' })`. */
  readonly sendRefusals = new Counter({
    name: 'identity_notification_send_refusals_total',
    help: 'Verification codes refused by a send limit (answered 429), by channel (sms, email) and reason (number, user, caller, instance, country)',
    labelNames: ['channel', 'reason'] as const,
    registers: [this.registry],
  });

  private queueDepthCollector?: () => QueueDepth | Promise<QueueDepth>;

  readonly queueDepth: Gauge<'state'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const metrics = this;
    this.queueDepth = new Gauge({
      name: 'identity_notification_queue_depth',
      help: 'Notifications waiting to be delivered, by state',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        if (!metrics.queueDepthCollector) return;
        const depth = await metrics.queueDepthCollector();
        this.reset();
        if (typeof depth === 'number') this.set({ state: 'waiting' }, depth);
        else for (const [state, count] of Object.entries(depth)) this.set({ state }, count);
      },
    });
  }

  recordRpc(rpc: string, transport: Transport, code: number, seconds: number): void {
    const labels = { rpc, transport, code: String(code) };
    this.requests.inc(labels);
    this.latency.observe(labels, seconds);
  }

  recordDelivery(channel: string, outcome: string): void {
    this.deliveries.inc({ channel, outcome });
  }

  recordSendRefusal(channel: string, reason: string): void {
    this.sendRefusals.inc({ channel, reason });
  }

  /** Called at every scrape; the delivery module sets it to read its queue. */
  setQueueDepthCollector(collector: () => QueueDepth | Promise<QueueDepth>): void {
    this.queueDepthCollector = collector;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
