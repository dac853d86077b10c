import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } from 'kafkajs';

/**
 * The ACLs docs/production-connections.md lists for hookstream's user, granted on topics and consumer
 * groups whose names start with `<prefix>.`.
 */
export const HOOKSTREAM_ACLS = [
  { resourceType: AclResourceTypes.TOPIC, operations: [AclOperationTypes.CREATE, AclOperationTypes.DESCRIBE, AclOperationTypes.READ, AclOperationTypes.WRITE] },
  { resourceType: AclResourceTypes.GROUP, operations: [AclOperationTypes.DESCRIBE, AclOperationTypes.READ, AclOperationTypes.DELETE] },
];

/** Grants `principal` (e.g. "User:hookstream") those ACLs for `prefix`, through a listener whose clients are super users. */
export async function grantHookstreamAcls(brokers: string, principal: string, prefix: string): Promise<void> {
  const admin = new Kafka({ clientId: 'acl-setup', brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createAcls({
      acl: HOOKSTREAM_ACLS.flatMap(({ resourceType, operations }) =>
        operations.map((operation) => ({
          resourceType,
          resourceName: `${prefix}.`,
          resourcePatternType: ResourcePatternTypes.PREFIXED,
          principal,
          host: '*',
          operation,
          permissionType: AclPermissionTypes.ALLOW,
        })),
      ),
    });
  } finally {
    await admin.disconnect();
  }
}
