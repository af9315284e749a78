using Amazon.DynamoDBv2.Model;
using Amazon.DynamoDBv2;
using EdgeMlOps.Contracts;

namespace EdgeMlOps.FleetStatus;

/// <summary>
/// The only code that calls AWS: a paginated Query of the ledger (one model package group) and a paginated Scan
/// of the health store (one item per device; about 3 MB at 10,000 devices). Not tested here (no local DynamoDB);
/// everything it returns goes through <see cref="DynamoItems"/>, which is.
/// </summary>
public sealed class DynamoFleetReader(IAmazonDynamoDB dynamo)
{
    public async Task<IReadOnlyList<ReleaseRecord>> ReleasesAsync(string ledgerTable, string modelPackageGroup, CancellationToken cancellationToken)
    {
        var releases = new List<ReleaseRecord>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await dynamo.QueryAsync(new QueryRequest
            {
                TableName = ledgerTable,
                KeyConditionExpression = "#g = :g",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#g"] = ReleaseLedgerSchema.PartitionKey },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":g"] = new() { S = modelPackageGroup } },
                ExclusiveStartKey = start,
            }, cancellationToken).ConfigureAwait(false);
            releases.AddRange((page.Items ?? []).Select(DynamoItems.Release));
            start = page.LastEvaluatedKey is { Count: > 0 } key ? key : null;
        }
        while (start is not null);

        return releases;
    }

    public async Task<IReadOnlyList<HeartbeatRecord>> HeartbeatsAsync(string healthTable, CancellationToken cancellationToken)
    {
        var heartbeats = new List<HeartbeatRecord>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await dynamo.ScanAsync(new ScanRequest { TableName = healthTable, ExclusiveStartKey = start }, cancellationToken).ConfigureAwait(false);
            heartbeats.AddRange((page.Items ?? []).Select(DynamoItems.Heartbeat));
            start = page.LastEvaluatedKey is { Count: > 0 } key ? key : null;
        }
        while (start is not null);

        return heartbeats;
    }
}
