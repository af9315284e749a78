using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using EdgeMlOps.Cdk.DataLabeling;
using EdgeMlOps.Cdk.Shared;
using EdgeMlOps.Cdk.Shared.Configuration;
using EdgeMlOps.Testing;
using Xunit;

namespace EdgeMlOps.DataLabeling.Tests.Staged;

/// <summary>The labeling stage of each account of config/staged.yaml, and of the same file without captureReplicaKeyArn.</summary>
public sealed class StagedLabelingFixture
{
    public const string DevKeyArn = "arn:aws:kms:eu-west-1:222233334444:key/00000000-0000-0000-0000-000000000000";

    public StagedLabelingFixture()
    {
        var text = File.ReadAllText(RepositoryRoot.Combine("config", "staged.yaml"));
        Replicating = Synthesize(SettingsLoader.Parse(text, "config/staged.yaml", "staged"));
        var kept = text.Replace("    captureReplicaKeyArn: " + DevKeyArn + "\n", string.Empty, StringComparison.Ordinal);
        Assert.NotEqual(text, kept);
        NotReplicating = Synthesize(SettingsLoader.Parse(kept, "config/staged.yaml", "staged"));
    }

    public Dictionary<DeploymentStageKind, JsonObject> Replicating { get; }

    public Dictionary<DeploymentStageKind, JsonObject> NotReplicating { get; }

    private static Dictionary<DeploymentStageKind, JsonObject> Synthesize(AppSettings settings)
    {
        var templates = new Dictionary<DeploymentStageKind, JsonObject>();
        var app = new App();
        foreach (var target in settings.Stages!.InOrder)
        {
            var stage = new LabelingStage(app, target.PascalName, new AppStageProps
            {
                Settings = settings.ForStage(target),
                Build = new BuildOptions { RepositoryRoot = RepositoryRoot.Path, SkipBundling = true },
            });
            templates[target.Kind] = JsonNode.Parse(JsonSerializer.Serialize(Template.FromStack(stage.Workload).ToJSON()))!.AsObject();
        }

        return templates;
    }
}

public sealed class StagedLabelingTests(StagedLabelingFixture fixture) : IClassFixture<StagedLabelingFixture>
{
    [Fact]
    public void A_replica_key_outside_the_dev_account_is_refused()
    {
        var text = File.ReadAllText(RepositoryRoot.Combine("config", "staged.yaml")).Replace(StagedLabelingFixture.DevKeyArn, "arn:aws:kms:eu-west-1:444455556666:key/00000000-0000-0000-0000-000000000000", StringComparison.Ordinal);

        var error = Assert.Throws<ConfigurationException>(() => SettingsLoader.Parse(text, "config/staged.yaml", "staged"));

        Assert.Contains("stages.production.captureReplicaKeyArn", error.Message);
        Assert.Contains("must be a key of the dev stage's account 222233334444", error.Message);
    }

    private const string Dev = "222233334444";
    private const string Production = "444455556666";
    private const string DevBucket = "edgemlops-staged-dev-labeling-222233334444";
    private const string RoleArn = "arn:${AWS::Partition}:iam::444455556666:role/edgemlops-staged-prod-capture-replication";

    [Theory]
    [InlineData(DeploymentStageKind.Dev, true)]
    [InlineData(DeploymentStageKind.PreProduction, false)]
    [InlineData(DeploymentStageKind.Production, false)]
    public void Labeling_runs_on_its_schedule_in_dev_only(DeploymentStageKind stage, bool scheduled)
    {
        var schedules = Resources(fixture.Replicating[stage], "AWS::Events::Rule")
            .Where(r => r["Properties"]!["ScheduleExpression"] is not null).ToList();

        Assert.Equal(scheduled ? 1 : 0, schedules.Count);
        if (scheduled)
        {
            Assert.Equal("rate(1 day)", schedules[0]["Properties"]!["ScheduleExpression"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Production_replicates_only_its_captures_to_dev_encrypted_with_dev_key()
    {
        var bucket = DataBucket(fixture.Replicating[DeploymentStageKind.Production]);
        var rule = Assert.Single(bucket["Properties"]!["ReplicationConfiguration"]!["Rules"]!.AsArray())!;

        Assert.Equal("edgemlops-staged-prod-labeling-444455556666", bucket["Properties"]!["BucketName"]!.GetValue<string>());
        Assert.Equal("images/captured/", rule["Filter"]!["Prefix"]!.GetValue<string>());
        Assert.Equal("Enabled", rule["Status"]!.GetValue<string>());
        Assert.Equal("Disabled", rule["DeleteMarkerReplication"]!["Status"]!.GetValue<string>());
        Assert.Equal($"arn:${{AWS::Partition}}:s3:::{DevBucket}", Joined(rule["Destination"]!["Bucket"]!));
        Assert.Equal(Dev, rule["Destination"]!["Account"]!.GetValue<string>());
        Assert.Equal(StagedLabelingFixture.DevKeyArn, rule["Destination"]!["EncryptionConfiguration"]!["ReplicaKmsKeyID"]!.GetValue<string>());
    }

    [Fact]
    public void Replication_role_reads_only_the_capture_prefix_and_writes_only_dev_capture_prefix()
    {
        var template = fixture.Replicating[DeploymentStageKind.Production];
        var role = Assert.Single(Resources(template, "AWS::IAM::Role"), r => r["Properties"]!["RoleName"]?.GetValue<string>() == "edgemlops-staged-prod-capture-replication");
        var statements = Resources(template, "AWS::IAM::Policy")
            .Where(p => p["Properties"]!["Roles"]!.ToJsonString().Contains("CaptureReplicationRole", StringComparison.Ordinal))
            .SelectMany(p => p["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray()).Select(s => s!).ToList();

        Assert.Equal("s3.amazonaws.com", role["Properties"]!["AssumeRolePolicyDocument"]!["Statement"]![0]!["Principal"]!["Service"]!.GetValue<string>());
        var write = Assert.Single(statements, s => s["Action"]!.ToJsonString().Contains("s3:ReplicateObject", StringComparison.Ordinal));
        Assert.Equal($"arn:${{AWS::Partition}}:s3:::{DevBucket}/images/captured/*", Joined(write["Resource"]!));
        var read = Assert.Single(statements, s => s["Action"]!.ToJsonString().Contains("s3:GetObjectVersionForReplication", StringComparison.Ordinal));
        Assert.Contains("/images/captured/*", read["Resource"]!.ToJsonString());
        Assert.DoesNotContain(statements, s => s["Action"]!.ToJsonString().Contains("s3:ReplicateDelete", StringComparison.Ordinal));
        var encrypt = Assert.Single(statements, s => s["Action"]!.ToJsonString().Contains("kms:Encrypt", StringComparison.Ordinal));
        Assert.Equal(StagedLabelingFixture.DevKeyArn, encrypt["Resource"]!.GetValue<string>());
    }

    [Fact]
    public void Dev_bucket_and_key_admit_only_the_production_replication_role_for_captures()
    {
        var template = fixture.Replicating[DeploymentStageKind.Dev];
        var bucketStatements = Statements(template, "AWS::S3::BucketPolicy", "PolicyDocument").Where(s => s["Sid"]?.GetValue<string>()?.StartsWith("Production", StringComparison.Ordinal) == true).ToList();
        var replicate = Assert.Single(bucketStatements, s => s["Sid"]!.GetValue<string>() == "ProductionReplicatesCaptures");
        var key = Assert.Single(Statements(template, "AWS::KMS::Key", "KeyPolicy"), s => s["Sid"]?.GetValue<string>() == "ProductionEncryptsReplicatedCaptures");

        Assert.Equal(2, bucketStatements.Count);
        Assert.Equal($"arn:${{AWS::Partition}}:iam::{Production}:root", Joined(replicate["Principal"]!["AWS"]!));
        Assert.Equal(RoleArn, Joined(replicate["Condition"]!["ArnEquals"]!["aws:PrincipalArn"]!));
        Assert.Contains("/images/captured/*", replicate["Resource"]!.ToJsonString());
        Assert.Equal(RoleArn, Joined(key["Condition"]!["ArnEquals"]!["aws:PrincipalArn"]!));
        Assert.Equal("s3.eu-west-1.amazonaws.com", key["Condition"]!["StringEquals"]!["kms:ViaService"]!.GetValue<string>());
        Assert.Equal(DevBucket, DataBucket(template)["Properties"]!["BucketName"]!.GetValue<string>());
    }

    [Fact]
    public void Pre_production_neither_replicates_nor_admits_replicas()
    {
        var template = fixture.Replicating[DeploymentStageKind.PreProduction];

        Assert.Null(DataBucket(template)["Properties"]!["ReplicationConfiguration"]);
        Assert.DoesNotContain(Statements(template, "AWS::S3::BucketPolicy", "PolicyDocument"), s => s["Sid"]?.GetValue<string>()?.StartsWith("Production", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void Captures_stay_in_production_without_a_replica_key()
    {
        Assert.Null(DataBucket(fixture.NotReplicating[DeploymentStageKind.Production])["Properties"]!["ReplicationConfiguration"]);
        Assert.DoesNotContain(Resources(fixture.NotReplicating[DeploymentStageKind.Production], "AWS::IAM::Role"), r => r["Properties"]!["RoleName"]?.GetValue<string>()?.EndsWith("capture-replication", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(Statements(fixture.NotReplicating[DeploymentStageKind.Dev], "AWS::S3::BucketPolicy", "PolicyDocument"), s => s["Sid"]?.GetValue<string>()?.StartsWith("Production", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(Statements(fixture.NotReplicating[DeploymentStageKind.Dev], "AWS::KMS::Key", "KeyPolicy"), s => s["Sid"]?.GetValue<string>() == "ProductionEncryptsReplicatedCaptures");
    }

    private static JsonObject DataBucket(JsonObject template) =>
        Assert.Single(Resources(template, "AWS::S3::Bucket"), b => b["Properties"]!["BucketName"] is not null);

    private static IEnumerable<JsonObject> Resources(JsonObject template, string type) =>
        template["Resources"]!.AsObject().Where(r => r.Value!["Type"]!.GetValue<string>() == type).Select(r => r.Value!.AsObject());

    private static IEnumerable<JsonObject> Statements(JsonObject template, string type, string documentProperty) =>
        Resources(template, type).SelectMany(r => r["Properties"]![documentProperty]!["Statement"]!.AsArray()).Select(s => s!.AsObject());

    // A literal string, or an Fn::Join of literals and { Ref: AWS::Partition } written as ${AWS::Partition}.
    private static string Joined(JsonNode node) => node is JsonValue value
        ? value.GetValue<string>()
        : string.Concat(node["Fn::Join"]![1]!.AsArray().Select(part => part is JsonValue v ? v.GetValue<string>() : $"${{{part!["Ref"]!.GetValue<string>()}}}"));
}
