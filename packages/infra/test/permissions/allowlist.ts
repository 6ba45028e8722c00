// Granted (role, action) pairs, and statement resources, that no simulated request uses, kept on purpose. Each entry says why;
// anything else granted and unused fails the permission tests. Roles are matched on
// `<stack> <logical id> (<role description>)`.
export interface AllowlistEntry {
  readonly role: RegExp;
  readonly action: string;
  readonly why: string;
}

const CRAWLER = /\(Assumed by the Glue crawler/;
const CRAWLER_CATALOG = 'AWS Glue documents a crawler role only as "similar to AWSGlueServiceRole" (glue:* on the catalog); '
  + 'kept from that list for a recrawl, which lists the tables of its database and reads and updates single partitions';
const GITHUB = /\(GitHub Actions /;

export const UNUSED_GRANT_ALLOWLIST: AllowlistEntry[] = [
  { role: CRAWLER, action: 'glue:GetTables', why: CRAWLER_CATALOG },
  { role: CRAWLER, action: 'glue:GetPartition', why: CRAWLER_CATALOG },
  { role: CRAWLER, action: 'glue:UpdatePartition', why: CRAWLER_CATALOG },
  {
    role: GITHUB,
    action: 'sts:TagSession',
    why: 'the CDK CLI passes session tags when it assumes a bootstrap role if the app asks it to (the STS options of '
      + 'aws-cdk#31089), and the bootstrap roles\' trust policies allow sts:TagSession; granted on those roles only',
  },
];

/** Resources of a used statement that no request touches, kept on purpose, matched on the resolved ARN. */
export const UNUSED_RESOURCE_ALLOWLIST: { readonly resource: RegExp; readonly why: string }[] = [
  {
    resource: /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[^:]+:\*$/,
    why: 'the CDK grants a workflow the versions and aliases of each function it invokes along with the function; '
      + 'the workflows invoke the unqualified ARN',
  },
];
