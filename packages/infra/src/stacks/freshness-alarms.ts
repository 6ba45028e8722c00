import { DatabaseConfig, EXPORT_METRICS } from '@snaplake/core';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { maxExportAgeHours } from '../export-settings';

/** The count of catalogued exports of one database per hour: what the freshness alarm and the dashboard read. */
export function exportsCatalogued(stageName: string, databaseIdentifier: string, period: Duration = Duration.hours(1)): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: EXPORT_METRICS.namespace(stageName),
    metricName: EXPORT_METRICS.catalogued,
    dimensionsMap: { [EXPORT_METRICS.databaseDimension]: databaseIdentifier },
    period,
    statistic: 'Sum',
  });
}

/**
 * Fires when no export of the database was catalogued for `maxExportAgeHours` hours: every hourly
 * period of the window holds no ExportsCatalogued, and missing data counts as breaching, so stopped
 * snapshots, lost events and a deleted schedule all make it fire.
 */
export function freshnessAlarm(scope: Construct, stageName: string, db: DatabaseConfig): cloudwatch.Alarm {
  const hours = maxExportAgeHours(db);
  return new cloudwatch.Alarm(scope, `Freshness-${db.identifier}`, {
    metric: exportsCatalogued(stageName, db.identifier),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: hours,
    datapointsToAlarm: hours,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    alarmDescription: `snaplake ${stageName}: no export of ${db.identifier} was catalogued in the last ${hours} h (maxExportAgeHours)`,
  });
}
