/**
 * The three alert topics `interactions-<env>-alerts-high|medium|low`, encrypted with one customer
 * key, TLS-only, with the subscriptions of the environment's config.
 */
import { Annotations, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { names } from '../../../shared/naming.js';
import { type EnvironmentName, hasSubscriber, type MonitoringConfig, type Severity } from '../../config/index.js';

export const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low'];

/** Id of the synth warning on the high topic of an environment with no high-severity subscriber. */
export const NO_HIGH_SUBSCRIBER_WARNING = '@interactions/monitoring:noHighSeveritySubscriber';

/** Services that publish alerts: CloudWatch alarm actions and EventBridge rules. */
const PUBLISHING_SERVICES = ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] as const;

/** Props of {@link AlertTopics}. */
export interface AlertTopicsProps {
  /** Environment the topics belong to; it names them. */
  readonly envName: EnvironmentName;
  /** Email and HTTPS (PagerDuty, Slack/Chatbot webhook) subscriptions per severity. */
  readonly subscriptions: MonitoringConfig['subscriptions'];
}

/** One SNS topic per severity, KMS-encrypted and TLS-only, subscribed as the config says. */
export class AlertTopics extends Construct {
  /** The topic of each severity. */
  readonly topics: Record<Severity, sns.Topic>;
  /** The customer managed key that encrypts the topics (and their dead-letter queue). */
  readonly key: kms.Key;
  /** Deliveries no subscriber accepted; present only when the config has subscriptions. */
  readonly deadLetterQueue?: sqs.Queue;

  constructor(scope: Construct, id: string, props: AlertTopicsProps) {
    super(scope, id);
    const account = Stack.of(this).account;

    this.key = new kms.Key(this, 'Key', {
      alias: `alias/${names.prefix(props.envName)}-alerts`,
      description: `Encrypts the ${props.envName} alert topics and their undelivered-alert queue`,
      enableKeyRotation: true,
      // Dev is torn down freely; elsewhere the key outlives the stack (CDK's default for keys).
      removalPolicy: props.envName === 'dev' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    // SNS encrypts each message with a data key requested on behalf of the publisher, so the
    // publishing services need the key: without this, alarm notifications are silently dropped.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAlertPublishersToUseKey',
        principals: PUBLISHING_SERVICES.map((service) => new iam.ServicePrincipal(service)),
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    this.topics = Object.fromEntries(
      SEVERITIES.map((severity) => {
        const topic = new sns.Topic(this, severityId(severity), {
          topicName: names.topic(props.envName, severity),
          displayName: `interactions ${props.envName} ${severity} alerts`,
          masterKey: this.key,
          // Adds a topic policy statement denying every request made without TLS.
          enforceSSL: true,
          // SHA256 signatures, which HTTPS subscribers (PagerDuty, webhooks) can verify.
          signatureVersion: '2',
        });
        // An explicit topic policy replaces SNS's default one, so allow the publishing services
        // again, only on behalf of this account.
        topic.addToResourcePolicy(
          new iam.PolicyStatement({
            sid: 'AllowAlertPublishers',
            principals: PUBLISHING_SERVICES.map((service) => new iam.ServicePrincipal(service)),
            actions: ['sns:Publish'],
            resources: [topic.topicArn],
            conditions: { StringEquals: { 'aws:SourceAccount': account } },
          }),
        );
        return [severity, topic];
      }),
    ) as Record<Severity, sns.Topic>;

    if (!hasSubscriber(props.subscriptions.high)) {
      // Shown by `cdk synth` / `npm run synth` without failing it: synth must work before anyone is
      // on call. A prod deploy (account set) is refused instead, by the config's validation.
      Annotations.of(this.topics.high).addWarningV2(
        NO_HIGH_SUBSCRIBER_WARNING,
        `monitoring.subscriptions.high is empty for ${props.envName}: high-severity alarms notify nobody. Add the on-call email or PagerDuty https endpoint in infra/config/${props.envName}.ts (required for a prod deploy).`,
      );
    }

    const hasSubscriptions = SEVERITIES.some((severity) => hasSubscriber(props.subscriptions[severity]));
    if (!hasSubscriptions) return;

    // A PagerDuty or webhook outage must not lose alerts: SNS parks what it could not deliver
    // after its retries here, for replay.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSnsToWriteUndeliveredAlerts',
        principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    const deadLetterQueue = new sqs.Queue(this, 'UndeliveredAlerts', {
      queueName: `${names.prefix(props.envName)}-alerts-undelivered`,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // Both packs look for a DLQ of this queue; it is the DLQ (of SNS subscriptions, which the
    // packs do not recognise) and nothing consumes it automatically, so a DLQ would never fill.
    const reason = 'This queue is itself the dead-letter queue of the alert topic subscriptions (SNS redrive policy).';
    Validations.of(deadLetterQueue).acknowledge({ id: 'AwsSolutions-SQS3', reason });
    Validations.of(deadLetterQueue).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason });
    this.deadLetterQueue = deadLetterQueue;

    for (const severity of SEVERITIES) {
      const topic = this.topics[severity];
      const config = props.subscriptions[severity];
      for (const email of config.emails) {
        topic.addSubscription(new subscriptions.EmailSubscription(email, { deadLetterQueue }));
      }
      for (const url of config.httpsEndpoints) {
        topic.addSubscription(
          new subscriptions.UrlSubscription(url, { protocol: sns.SubscriptionProtocol.HTTPS, deadLetterQueue }),
        );
      }
    }
  }
}

function severityId(severity: Severity): string {
  return `${severity.charAt(0).toUpperCase()}${severity.slice(1)}`;
}
