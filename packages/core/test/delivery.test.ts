import fc from 'fast-check';
import { copyPartRanges, deliveredKey, deliveryDestinationArns, missingObjects, partnerPolicies, SnaplakeError } from '../src';

describe('copyPartRanges', () => {
  test('splits into parts of the part size, the last one shorter', () => {
    expect(copyPartRanges(12, 5)).toEqual([{ first: 0, last: 4 }, { first: 5, last: 9 }, { first: 10, last: 11 }]);
  });

  test('property: ranges cover every byte once, in order, in at most 10,000 parts', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 45 }), fc.integer({ min: 1, max: 2 ** 30 }), (size, part) => {
      const ranges = copyPartRanges(size, part);
      return ranges.length <= 10_000 && ranges[0]!.first === 0 && ranges.at(-1)!.last === size - 1
        && ranges.every((r, i) => i === 0 || r.first === ranges[i - 1]!.last + 1);
    }), { numRuns: 1000 });
  });

  test('bad sizes are clear errors', () => {
    expect(() => copyPartRanges(0, 5)).toThrow(SnaplakeError);
  });
});

describe('deliveredKey and missingObjects', () => {
  test('the destination prefix replaces the source prefix', () => {
    expect(deliveredKey('exports/e1/shop/public.orders/1/part-0.parquet', 'exports/e1/', 'partner/snaplake/e1')).toBe('partner/snaplake/e1/shop/public.orders/1/part-0.parquet');
    expect(deliveredKey('e1/x', 'e1/', '')).toBe('x');
    expect(() => deliveredKey('other/x', 'e1/', '')).toThrow('is not under');
  });

  test('a missing object, or one of another size, is missing', () => {
    expect(missingObjects([{ key: 'a', size: 1 }, { key: 'b', size: 2 }, { key: 'c', size: 3 }], [{ key: 'a', size: 1 }, { key: 'b', size: 5 }]))
      .toEqual([{ key: 'b', size: 2 }, { key: 'c', size: 3 }]);
  });
});

describe('partnerPolicies', () => {
  const role = 'arn:aws:iam::111111111111:role/snaplake-prod-delivery';

  test('bucket statements let the delivery role list the bucket with no prefix condition and write objects under the prefix, with the KMS statement when needed', () => {
    const { bucketPolicyStatements, keyPolicyStatements } = partnerPolicies({ destination: 'partner-lake', prefix: 'from-acme/', deliveryRoleArn: role, kmsKeyArn: 'arn:aws:kms:eu-west-1:222222222222:key/k' });
    expect(bucketPolicyStatements).toEqual([
      // HeadObject of a missing key answers 404 only to a caller with s3:ListBucket, and carries no s3:prefix.
      { Sid: 'SnaplakeDeliveryList', Effect: 'Allow', Principal: { AWS: role }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::partner-lake' },
      expect.objectContaining({
        Principal: { AWS: role }, Resource: 'arn:aws:s3:::partner-lake/from-acme/*', Action: ['s3:PutObject', 's3:PutObjectAcl', 's3:GetObject', 's3:AbortMultipartUpload'],
      }),
    ]);
    expect(keyPolicyStatements).toEqual([expect.objectContaining({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'] })]);
  });

  test('a bucket that enforces bucket-owner ownership is sent no ACL, so the policy grants no s3:PutObjectAcl', () => {
    const { bucketPolicyStatements } = partnerPolicies({ destination: 'partner-lake', prefix: 'in', deliveryRoleArn: role, bucketOwnerEnforced: true });
    expect(bucketPolicyStatements[1]).toMatchObject({ Action: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'] });
  });

  test('the partner\'s bucket is named in the delivery role\'s partition', () => {
    const china = partnerPolicies({ destination: 'partner-lake', prefix: 'in', deliveryRoleArn: 'arn:aws-cn:iam::111111111111:role/snaplake-prod-delivery' });
    expect(china.bucketPolicyStatements.map((s: any) => s.Resource)).toEqual(['arn:aws-cn:s3:::partner-lake', 'arn:aws-cn:s3:::partner-lake/in/*']);
  });

  test('the delivery role\'s policy and the partner\'s statements name the same ARNs', () => {
    const { container, objects } = deliveryDestinationArns('partner-lake', '/from-acme/', 'aws');
    const statements: any[] = partnerPolicies({ destination: 'partner-lake', prefix: '/from-acme/', deliveryRoleArn: role }).bucketPolicyStatements;
    expect(statements.map((s) => s.Resource)).toEqual([container, objects]);
  });

  test('an access point ARN gets access point resources', () => {
    const ap = 'arn:aws:s3:eu-west-1:222222222222:accesspoint/snaplake-in';
    expect(partnerPolicies({ destination: ap, prefix: '', deliveryRoleArn: role }).bucketPolicyStatements[1]).toMatchObject({ Resource: `${ap}/object/*` });
  });

  test.each([
    [{ destination: 's3://partner-lake', prefix: '', deliveryRoleArn: role }, /neither a bucket name nor an access point ARN/],
    [{ destination: 'partner-lake', prefix: '', deliveryRoleArn: 'snaplake' }, /is not an IAM role ARN/],
  ])('bad input %p is a clear error', (options, message) => {
    expect(() => partnerPolicies(options)).toThrow(message);
  });
});
