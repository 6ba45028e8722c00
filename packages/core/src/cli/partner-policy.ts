import { partnerPolicies } from '../delivery';
import { CliCommand, EXIT, stringOption, UsageError } from './command';

/** `snaplake partner-policy`: what a partner adds to its bucket and key so deliveries can write. */
export const partnerPolicyCommand: CliCommand = {
  name: 'partner-policy',
  summary: "prints the bucket and KMS key policy statements a partner adds so snaplake's deliveries can write",
  help: `usage: snaplake partner-policy --destination=<bucket|access point ARN> --role-arn=<delivery role ARN> [--prefix=p] [--kms-key-arn=arn]

Prints, as JSON, the bucket (or access point) policy statements and the KMS key policy statements a
partner adds so that snaplake's delivery role can write exports into its bucket.

  --destination   the partner's bucket name, or an S3 access point ARN (required)
  --role-arn      the delivery role's ARN, an output of the stage's export pipeline stack (required)
  --prefix        the prefix deliveries write under (default: the whole bucket)
  --kms-key-arn   the partner's KMS key, when its bucket requires SSE-KMS`,
  options: {
    'destination': { type: 'string' },
    'role-arn': { type: 'string' },
    'prefix': { type: 'string' },
    'kms-key-arn': { type: 'string' },
  },
  positionals: false,
  run(values, _positionals, io) {
    const destination = stringOption(values, 'destination');
    const deliveryRoleArn = stringOption(values, 'role-arn');
    if (!destination || !deliveryRoleArn) throw new UsageError('--destination and --role-arn are required');
    const policies = partnerPolicies({
      destination, deliveryRoleArn, prefix: stringOption(values, 'prefix') ?? '', kmsKeyArn: stringOption(values, 'kms-key-arn'),
    });
    io.out(JSON.stringify(policies, null, 2));
    return EXIT.ok;
  },
};
