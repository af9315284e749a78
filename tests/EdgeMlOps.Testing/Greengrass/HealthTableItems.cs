using System.Text.Json.Nodes;
using EdgeMlOps.Testing.DynamoDb;

namespace EdgeMlOps.Testing.Greengrass;

/// <summary>
/// The health table and release lock of the edge stack as in-memory tables, and health items written the way the
/// edge stack's IoT rule writes them (cdk/EdgeDeployment/Fleet/DeviceHealthStore.cs: named fields only, the error
/// text cut at 256 characters, <c>errorPpm</c> absent without frames, the shadow and acceptance blocks), for fakes of the edge control plane that
/// do not evaluate the rule's SQL themselves.
/// </summary>
public static class HealthTableItems
{
    /// <summary>The index the health gate queries.</summary>
    public const string ModelVersionIndex = "byModelVersion";

    /// <summary>Characters of the error text the rule keeps.</summary>
    public const int MaxErrorLength = 256;

    /// <summary>An empty health table named <paramref name="tableName"/> with the model-version index (DeviceHealthStore.IndexedAttributes).</summary>
    public static InMemoryDynamoDbTable HealthTable(string tableName) =>
        new(tableName, "thingName", new DynamoDbIndex(ModelVersionIndex, "modelComponentVersion", "receivedAt", ["state", "framesSeen", "framesFailed", "errorPpm", "lastError", .. ShadowAttributes]));

    /// <summary>The shadow attributes the rule writes while a candidate runs in shadow (DeviceHealthStore.ShadowAttributes).</summary>
    public static readonly string[] ShadowAttributes =
    [
        "shadowFramesCompared", "shadowCurrentDefectFrames", "shadowMissedDefectFrames", "shadowMissedPpm", "shadowDefectRateDifference",
        "shadowBoxF1", "shadowLatencyRatio", "shadowLastError",
    ];

    /// <summary>An empty release lock table named <paramref name="tableName"/>.</summary>
    public static InMemoryDynamoDbTable LockTable(string tableName) => new(tableName, "lockId");

    /// <summary>An empty release ledger named <paramref name="tableName"/> (keys of ReleaseLedgerSchema).</summary>
    public static InMemoryKeyValueTable LedgerTable(string tableName) => new(tableName, "modelPackageGroupName", "modelPackageVersion");

    /// <summary>The release ledger's name in the synthesized edge workflow (where it opens a release record).</summary>
    public static string LedgerTableName(JsonObject definition) =>
        definition["States"]!["OpenReleaseRecord"]!["Parameters"]!["TableName"]!.GetValue<string>();

    /// <summary>The table names the synthesized edge workflow uses: the health table (its first COUNT query) and the lock (its first write).</summary>
    public static (string HealthTable, string LockTable) TableNames(JsonObject definition)
    {
        var states = definition["States"]!;
        return (states["CountHealthyHeartbeats"]!["Parameters"]!["TableName"]!.GetValue<string>(),
            states["AcquireReleaseLock"]!["Parameters"]!["TableName"]!.GetValue<string>());
    }

    /// <summary>The item the health rule writes for one health message.</summary>
    public static JsonObject Heartbeat(string thingName, long receivedAtMs, string state, string modelComponentVersion, long framesProcessed, long framesFailed, string? lastError = null,
        EdgeMlOps.Contracts.HealthShadow? shadow = null, EdgeMlOps.Contracts.HealthAcceptance? acceptance = null)
    {
        var item = new JsonObject
        {
            ["thingName"] = InMemoryDynamoDbTable.S(thingName),
            ["receivedAt"] = InMemoryDynamoDbTable.N(receivedAtMs),
            ["expiresAt"] = InMemoryDynamoDbTable.N((receivedAtMs / 1000) + (30 * 86_400)),
            ["state"] = InMemoryDynamoDbTable.S(Cut(state, 32)),
            ["modelComponentVersion"] = InMemoryDynamoDbTable.S(Cut(modelComponentVersion, 64)),
            ["framesSeen"] = InMemoryDynamoDbTable.N(framesProcessed + framesFailed),
            ["framesFailed"] = InMemoryDynamoDbTable.N(framesFailed),
        };
        if (framesProcessed + framesFailed > 0)
        {
            item["errorPpm"] = InMemoryDynamoDbTable.N(framesFailed * 1_000_000 / (framesProcessed + framesFailed));
        }

        if (lastError is not null)
        {
            item["lastError"] = InMemoryDynamoDbTable.S(Cut(lastError, MaxErrorLength));
        }

        if (shadow is not null)
        {
            item["shadowFramesCompared"] = InMemoryDynamoDbTable.N(shadow.FramesCompared);
            item["shadowCurrentDefectFrames"] = InMemoryDynamoDbTable.N(shadow.CurrentDefectFrames);
            item["shadowMissedDefectFrames"] = InMemoryDynamoDbTable.N(shadow.MissedDefectFrames);
            if (shadow.CurrentDefectFrames > 0)
            {
                item["shadowMissedPpm"] = InMemoryDynamoDbTable.N(shadow.MissedDefectFrames * 1_000_000 / shadow.CurrentDefectFrames);
            }

            item["shadowDefectRateDifference"] = Fraction(shadow.DefectRateDifference);
            item["shadowBoxF1"] = Fraction(shadow.BoxF1);
            item["shadowLatencyRatio"] = Fraction(shadow.LatencyP95Ratio);
            if (shadow.LastError is not null)
            {
                item["shadowLastError"] = InMemoryDynamoDbTable.S(Cut(shadow.LastError, MaxErrorLength));
            }
        }

        if (acceptance is not null)
        {
            item["acceptanceStatus"] = InMemoryDynamoDbTable.S(Cut(acceptance.Status, 16));
            if (acceptance.Message is not null)
            {
                item["acceptanceMessage"] = InMemoryDynamoDbTable.S(Cut(acceptance.Message, MaxErrorLength));
            }

            item["acceptanceImages"] = InMemoryDynamoDbTable.N(acceptance.Images);
            item["acceptancePrecision"] = Fraction(acceptance.Precision);
            item["acceptanceRecall"] = Fraction(acceptance.Recall);
            item["acceptanceMap50"] = Fraction(acceptance.Map50);
            item["acceptanceExpectedMap50"] = Fraction(acceptance.ExpectedMap50);
            item["acceptanceParity"] = Fraction(acceptance.Parity);
            item["acceptanceParityThreshold"] = Fraction(acceptance.ParityThreshold);
            item["acceptanceMaxConfidenceDifference"] = Fraction(acceptance.MaxConfidenceDifference);
        }

        return item;
    }

    private static JsonObject Fraction(double value) => new() { ["N"] = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture) };

    private static string Cut(string text, int length) => text.Length > length ? text[..length] : text;
}
