using Amazon.DynamoDBv2;
using EdgeMlOps.FleetStatus;

FleetStatusOptions options;
try
{
    options = FleetStatusOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

using var dynamo = new AmazonDynamoDBClient();
var reader = new DynamoFleetReader(dynamo);
var releases = await reader.ReleasesAsync(options.LedgerTable, options.ModelPackageGroup, CancellationToken.None);
var heartbeats = await reader.HeartbeatsAsync(options.HealthTable, CancellationToken.None);
var rows = FleetStatusReport.Build(releases, heartbeats, DateTimeOffset.UtcNow, options.SilentAfter);
Console.Write(options.Json ? FleetStatusFormatter.Json(rows) + "\n" : FleetStatusFormatter.Table(rows));
return 0;
