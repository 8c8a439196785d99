/**
 * The drill leftover sweep's Lambda (see leftovers.ts): `find` lists this environment's expired
 * drill leftovers by kind, `describe` reads one for the guard Choice, `delete-security-group`
 * deletes a security group the guard allowed (Step Functions deletes the other kinds with SDK
 * integrations; EC2's errors need classifying, which a Choice cannot do).
 */
import { ec2Client } from '../../shared/clients/ec2.js';
import { ecsClient } from '../../shared/clients/ecs.js';
import { elastiCacheClient } from '../../shared/clients/elasticache.js';
import { rdsClient } from '../../shared/clients/rds.js';
import { automationHandler } from '../../shared/middleware.js';
import { names } from '../../shared/naming.js';
import * as z from '../../shared/zod.js';
import { deleteSecurityGroup, describeLeftover, findLeftovers, LEFTOVER_KINDS } from './leftovers.js';

/** A DB instance or replication group id, a task ARN, or a security group id. */
const identifier = z
  .string()
  .check(z.minLength(1), z.maxLength(2048), z.regex(/^[A-Za-z0-9:/_.-]+$/, 'must be a resource id or ARN'));

export const inputSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('find') }),
  z.object({ action: z.literal('describe'), kind: z.enum(LEFTOVER_KINDS), identifier }),
  z.object({
    action: z.literal('delete-security-group'),
    identifier: identifier.check(z.regex(/^sg-[0-9a-f]{8,17}$/, 'must be a security group id (sg-...)')),
  }),
]);

export const { handler, createHandler } = automationHandler({
  schema: inputSchema,
  clients: () => ({ rds: rdsClient, elastiCache: elastiCacheClient, ecs: ecsClient, ec2: ec2Client }),
  handler: async (input, { settings, clients, clock }) => {
    const scope = { environment: settings.ENVIRONMENT, cluster: names.cluster(settings.ENVIRONMENT) };
    const aws = { rds: clients.rds(), elastiCache: clients.elastiCache(), ecs: clients.ecs(), ec2: clients.ec2() };
    switch (input.action) {
      case 'find': {
        const found = await findLeftovers(aws, scope, clock());
        // Keys the state machine's JSONPath can address (no hyphens), one list per delete Map.
        return {
          dbInstances: found['db-instance'],
          replicationGroups: found['cache-replication-group'],
          tasks: found['ecs-task'],
          securityGroups: found['security-group'],
          count: Object.values(found).reduce((total, items) => total + items.length, 0),
        };
      }
      case 'describe':
        return describeLeftover(aws, scope, input.kind, input.identifier);
      case 'delete-security-group':
        return deleteSecurityGroup(aws.ec2, input.identifier);
    }
  },
});
