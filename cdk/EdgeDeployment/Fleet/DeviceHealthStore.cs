using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.IoT;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.Logs;
using Constructs;

namespace EdgeMlOps.Cdk.EdgeDeployment.Fleet;

public sealed record DeviceHealthStoreProps
{
    /// <summary>The component topics; the rule listens on every device's health topic. Required.</summary>
    public required ComponentTopics Topics { get; init; }

    /// <summary>Days a device's last heartbeat is kept after it stops reporting. Default: 30.</summary>
    public int RetentionDays { get; init; } = 30;
}

/// <summary>
/// The cloud side of the component's health heartbeat: an IoT topic rule that writes each device's latest health
/// message to a DynamoDB table (one item per thing, replaced on every message). The rule stores only named,
/// bounded fields (never <c>SELECT *</c>, so a device cannot decide an item's size): <c>thingName</c> (from the
/// topic), <c>receivedAt</c> (IoT Core's clock, epoch ms), <c>expiresAt</c> (TTL, epoch s), <c>state</c> (at most
/// 32 characters), <c>modelComponentVersion</c> (at most 64), <c>framesSeen</c> (processed plus failed),
/// <c>framesFailed</c>, <c>errorPpm</c> (failed frames per million, absent without frames) and <c>lastError</c>
/// (at most <see cref="MaxErrorLength"/> characters), the <see cref="AcceptanceAttributes"/> (the on-device
/// acceptance check of the loaded model) and, while a candidate runs in shadow on a canary device, the
/// <see cref="ShadowAttributes"/> (absent otherwise). The deployment workflow's health gate counts heartbeats
/// with COUNT queries of the index <see cref="ModelVersionIndex"/> (model version, then receivedAt), so a poll
/// costs a few pages however large the fleet. The index projects only what those counts and the failing-device page
/// read (<see cref="IndexedAttributes"/>): a COUNT query reads whole index entries in 1 MB pages, and the release
/// history estimate counts on at least 5,000 entries a page, so the acceptance attributes stay in the table, where
/// the approval e-mail's evidence reads the canary's devices by key. Failed writes go to an encrypted log group.
/// </summary>
public sealed class DeviceHealthStore : Construct
{
    public const string PartitionKey = "thingName";

    /// <summary>The index the health gate queries: partition <c>modelComponentVersion</c>, sort <c>receivedAt</c>.</summary>
    public const string ModelVersionIndex = "byModelVersion";

    /// <summary>Characters of the acceptance message the rule keeps.</summary>
    public const int MaxAcceptanceMessageLength = 256;

    /// <summary>Characters of the component's error text the rule keeps.</summary>
    public const int MaxErrorLength = 256;

    /// <summary>The shadow evaluation's attributes (issue 14), read by the health gate's filters and failing-device page.</summary>
    public static readonly string[] ShadowAttributes =
    [
        "shadowFramesCompared", "shadowCurrentDefectFrames", "shadowMissedDefectFrames", "shadowMissedPpm", "shadowDefectRateDifference",
        "shadowBoxF1", "shadowLatencyRatio", "shadowLastError",
    ];

    /// <summary>
    /// The acceptance block of the health message (<c>HealthMessage.Acceptance</c>, issue 14), read for the approval
    /// e-mail's per-device evidence: status and message, images run, precision, recall and mAP50 against the set's
    /// labels (and the training side's mAP50), parity with the training-side predictions and its threshold, the largest
    /// confidence difference. Absent when the message has no acceptance block.
    /// </summary>
    public static readonly string[] AcceptanceAttributes =
    [
        "acceptanceStatus", "acceptanceMessage", "acceptanceImages", "acceptancePrecision", "acceptanceRecall", "acceptanceMap50",
        "acceptanceExpectedMap50", "acceptanceParity", "acceptanceParityThreshold", "acceptanceMaxConfidenceDifference",
    ];

    /// <summary>
    /// The attributes the index carries besides its keys (what the gate's filters and failure names read); not the
    /// acceptance attributes (<see cref="DeviceHealthStore"/>'s summary says why).
    /// </summary>
    public static readonly string[] IndexedAttributes = ["state", "framesSeen", "framesFailed", "errorPpm", "lastError", .. ShadowAttributes];

    /// <summary>The rule's SQL for the health topic filter <paramref name="topicFilter"/> and items kept <paramref name="ttlSeconds"/>.</summary>
    public static string RuleSql(string topicFilter, int ttlSeconds) =>
        $"SELECT topic(2) AS {PartitionKey}, timestamp() AS receivedAt, floor(timestamp() / 1000) + {ttlSeconds} AS expiresAt, " +
        "substring(state, 0, 32) AS state, substring(model.componentVersion, 0, 64) AS modelComponentVersion, " +
        "frames.processed + frames.failed AS framesSeen, frames.failed AS framesFailed, " +
        "frames.failed * 1000000 / (frames.processed + frames.failed) AS errorPpm, " +
        // For fleet status: the package version and the drift score (absent when the message has none).
        "substring(model.packageVersion, 0, 64) AS modelPackageVersion, drift.score AS driftScore, " +
        $"substring(model.lastError, 0, {MaxErrorLength}) AS lastError, " +
        // The shadow block (issue 14): absent unless a candidate runs in shadow; the missed-defect share per million
        // is absent while the current model has found no defect (a division by zero is Undefined).
        "shadow.framesCompared AS shadowFramesCompared, shadow.currentDefectFrames AS shadowCurrentDefectFrames, " +
        "shadow.missedDefectFrames AS shadowMissedDefectFrames, " +
        "shadow.missedDefectFrames * 1000000 / shadow.currentDefectFrames AS shadowMissedPpm, " +
        "shadow.defectRateDifference AS shadowDefectRateDifference, shadow.boxF1 AS shadowBoxF1, " +
        "shadow.latencyP95Ratio AS shadowLatencyRatio, " +
        $"substring(shadow.lastError, 0, {MaxErrorLength}) AS shadowLastError, " +
        // The acceptance block (issue 14): the approval e-mail's per-device evidence; status and message cut like the error.
        "substring(acceptance.status, 0, 16) AS acceptanceStatus, " +
        $"substring(acceptance.message, 0, {MaxAcceptanceMessageLength}) AS acceptanceMessage, acceptance.images AS acceptanceImages, " +
        "acceptance.precision AS acceptancePrecision, acceptance.recall AS acceptanceRecall, acceptance.map50 AS acceptanceMap50, " +
        "acceptance.expectedMap50 AS acceptanceExpectedMap50, acceptance.parity AS acceptanceParity, " +
        "acceptance.parityThreshold AS acceptanceParityThreshold, acceptance.maxConfidenceDifference AS acceptanceMaxConfidenceDifference " +
        $"FROM '{topicFilter}'";

    public DeviceHealthStore(Construct scope, string id, DeviceHealthStoreProps props)
        : base(scope, id)
    {
        if (props.RetentionDays is < 1 or > 365)
        {
            throw new ArgumentException($"DeviceHealthStoreProps.RetentionDays must be between 1 and 365, got {props.RetentionDays}");
        }

        Key = new Key(this, "Key", new KeyProps
        {
            Description = "Encrypts the edge device health table and the health rule's error log",
            EnableKeyRotation = true,
        });
        Key.GrantEncryptDecrypt(new ServicePrincipal($"logs.{Stack.Of(this).Region}.amazonaws.com"));

        Table = new Table(this, "Resource", new TableProps
        {
            PartitionKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = PartitionKey, Type = AttributeType.STRING },
            BillingMode = BillingMode.PAY_PER_REQUEST,
            Encryption = TableEncryption.CUSTOMER_MANAGED,
            EncryptionKey = Key,
            PointInTimeRecovery = true,
            TimeToLiveAttribute = "expiresAt",
            RemovalPolicy = RemovalPolicy.DESTROY,
        });
        Table.AddGlobalSecondaryIndex(new GlobalSecondaryIndexProps
        {
            IndexName = ModelVersionIndex,
            PartitionKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = "modelComponentVersion", Type = AttributeType.STRING },
            SortKey = new Amazon.CDK.AWS.DynamoDB.Attribute { Name = "receivedAt", Type = AttributeType.NUMBER },
            ProjectionType = ProjectionType.INCLUDE,
            NonKeyAttributes = IndexedAttributes,
        });

        ErrorLog = new LogGroup(this, "RuleErrors", new LogGroupProps
        {
            EncryptionKey = Key,
            Retention = Amazon.CDK.AWS.Logs.RetentionDays.ONE_YEAR,
        });

        var ruleRole = new Role(this, "RuleRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("iot.amazonaws.com"),
            Description = "Lets the health topic rule write the latest heartbeat of each device",
        });
        ruleRole.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["dynamodb:PutItem"],
            Resources = [Table.TableArn],
        }));
        ruleRole.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["kms:Encrypt", "kms:GenerateDataKey"],
            Resources = [Key.KeyArn],
        }));
        ruleRole.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resources = [ErrorLog.LogGroupArn, $"{ErrorLog.LogGroupArn}:*"],
        }));

        var ttlSeconds = props.RetentionDays * 86_400;
        Rule = new CfnTopicRule(this, "Rule", new CfnTopicRuleProps
        {
            TopicRulePayload = new CfnTopicRule.TopicRulePayloadProperty
            {
                Description = "Keeps the latest inference health heartbeat of each core device for the deployment health gate",
                AwsIotSqlVersion = "2016-03-23",
                RuleDisabled = false,
                Sql = RuleSql(props.Topics.AllHealth, ttlSeconds),
                Actions = new object[]
                {
                    new CfnTopicRule.ActionProperty
                    {
                        DynamoDBv2 = new CfnTopicRule.DynamoDBv2ActionProperty
                        {
                            PutItem = new CfnTopicRule.PutItemInputProperty { TableName = Table.TableName },
                            RoleArn = ruleRole.RoleArn,
                        },
                    },
                },
                ErrorAction = new CfnTopicRule.ActionProperty
                {
                    CloudwatchLogs = new CfnTopicRule.CloudwatchLogsActionProperty
                    {
                        LogGroupName = ErrorLog.LogGroupName,
                        RoleArn = ruleRole.RoleArn,
                    },
                },
            },
        });
    }

    public Table Table { get; }

    public Key Key { get; }

    public LogGroup ErrorLog { get; }

    public CfnTopicRule Rule { get; }

    public string TableName => Table.TableName;

    /// <summary>ARN of <see cref="ModelVersionIndex"/>.</summary>
    public string ModelVersionIndexArn => $"{Table.TableArn}/index/{ModelVersionIndex}";
}
