using System.Text;
using System.Text.Json.Nodes;
using EdgeMlOps.Edge.TestNucleus;
using EdgeMlOps.LocalTwin.Cloud;
using EdgeMlOps.LocalTwin.Device;
using Xunit;

namespace LocalTwin.Tests;

/// <summary>The twin's Greengrass behaviour in small pieces: recipes, variables, configuration, topic filters.</summary>
public sealed class DevicePieceTests
{
    private const string Recipe = """
        {
          "RecipeFormatVersion": "2020-01-25",
          "ComponentName": "com.example.App",
          "ComponentVersion": "1.2.3",
          "ComponentDependencies": { "com.example.Model": { "VersionRequirement": ">=1.0.0" } },
          "ComponentConfiguration": { "DefaultConfiguration": { "threshold": 0.25, "topic": "t/{thingName}", "capture": { "bucket": "", "enabled": true } } },
          "Manifests": [
            { "Platform": { "os": "linux", "architecture": "aarch64" }, "Lifecycle": { "Run": "arm" } },
            { "platform": { "os": "linux", "architecture": "amd64" },
              "lifecycle": { "setenv": { "MODE": "{configuration:/capture/bucket}" }, "run": { "script": "run {artifacts:decompressedPath}/app --model {com.example.Model:artifacts:path}/m.onnx --t {configuration:/threshold} --on {configuration:/capture/enabled} --thing {iot:thingName} ${HOME} {unknown:thing}" }, "Shutdown": { "Script": "stop", "Timeout": 20 } },
              "artifacts": [ { "URI": "s3://bucket/app.zip", "unarchive": "ZIP" } ] }
          ]
        }
        """;

    [Fact]
    public void Recipe_keys_are_read_case_insensitively_and_the_manifest_for_the_platform_is_chosen()
    {
        var recipe = ComponentRecipe.Parse(Recipe);

        Assert.Equal(("com.example.App", "1.2.3"), (recipe.Name, recipe.Version));
        Assert.Equal(["com.example.Model"], recipe.Dependencies);
        Assert.StartsWith("run ", recipe.Script("Run"), StringComparison.Ordinal);
        Assert.Equal(20, recipe.TimeoutSeconds("Shutdown"));
        Assert.Equal(new RecipeArtifact("s3://bucket/app.zip", true), Assert.Single(recipe.Artifacts));
        Assert.Equal("app.zip", recipe.Artifacts[0].FileName);
    }

    [Fact]
    public void Fails_if_no_manifest_matches_the_platform()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ComponentRecipe.Parse(Recipe, architecture: "riscv64"));

        Assert.Contains("no manifest for linux/riscv64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lifecycle_variables_are_interpolated_from_the_component_its_dependencies_and_the_device()
    {
        var app = ComponentRecipe.Parse(Recipe);
        var model = ComponentRecipe.Parse(Recipe.Replace("com.example.App", "com.example.Model", StringComparison.Ordinal));
        var config = ComponentConfiguration.Effective(app.DefaultConfiguration, new JsonObject { ["Merge"] = """{"capture":{"bucket":"captures"}}""" });
        var components = new Dictionary<string, InstalledComponent>
        {
            ["com.example.App"] = new(app, "/gg/artifacts/app", "/gg/unarchived/app", "/gg/work/app", config),
            ["com.example.Model"] = new(model, "/gg/artifacts/model", "/gg/unarchived/model", "/gg/work/model", model.DefaultConfiguration),
        };

        var script = new RecipeVariables("press-07", "/gg", components).Interpolate(app.Script("Run")!, "com.example.App");

        Assert.Equal("run /gg/unarchived/app/app --model /gg/artifacts/model/m.onnx --t 0.25 --on true --thing press-07 ${HOME} {unknown:thing}", script);
        Assert.Equal("captures", new RecipeVariables("press-07", "/gg", components).Interpolate(app.Setenv["MODE"], "com.example.App"));
    }

    [Fact]
    public void Configuration_is_the_defaults_with_the_reset_then_the_merge_of_the_deployment()
    {
        var defaults = JsonNode.Parse("""{"a": 1, "nested": {"x": "default", "y": true}, "list": [1]}""")!.AsObject();
        var update = new JsonObject
        {
            ["Reset"] = new JsonArray("/nested/x"),
            ["Merge"] = """{"nested": {"y": false}, "list": [2, 3], "added": "yes"}""",
        };

        var effective = ComponentConfiguration.Effective(defaults, update);

        Assert.Equal("""{"a":1,"nested":{"x":"default","y":false},"list":[2,3],"added":"yes"}""", effective.ToJsonString());
        Assert.Equal(["nested", "list", "added"], ComponentConfiguration.ChangedKeys(defaults, effective));
    }

    [Fact]
    public void Fails_if_a_deployment_merge_is_not_a_json_object()
    {
        var error = Assert.Throws<DeploymentFailedException>(() => ComponentConfiguration.Effective([], new JsonObject { ["Merge"] = "[1]" }));

        Assert.Contains("not a JSON object", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("edgemlops/+/inference/health", "edgemlops/press-07/inference/health", true)]
    [InlineData("edgemlops/+/inference/health", "edgemlops/press-07/inference/results", false)]
    [InlineData("edgemlops/#", "edgemlops/press-07/inference/results", true)]
    [InlineData("edgemlops/+", "edgemlops/press-07/inference", false)]
    public void Topic_filters_match_as_in_iot_core(string filter, string topic, bool matches) =>
        Assert.Equal(matches, TopicFilter.Matches(filter, topic));

    [Fact]
    public void Health_rule_stores_the_latest_message_of_a_device_as_typed_attributes()
    {
        var rule = HealthTopicRule.Parse("SELECT *, topic(2) AS thingName, timestamp() AS receivedAt, floor(timestamp() / 1000) + 2592000 AS expiresAt FROM 'edgemlops/+/inference/health'", "health");
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000);
        PublishedMessage Health(string thing, string state, int frames, int secondsLater) =>
            new("com.example.App", $"edgemlops/{thing}/inference/health", "AT_LEAST_ONCE", Encoding.UTF8.GetBytes($$"""{"state":"{{state}}","frames":{"processed":{{frames}}},"model":{"lastError":null},"ok":true,"tags":["a"]}"""))
            { ReceivedAt = at.AddSeconds(secondsLater) };

        var item = rule.LatestItem([Health("press-07", "RUNNING", 10, 0), Health("press-07", "ERRORED", 12, 5), Health("press-08", "RUNNING", 99, 9)], "press-07")!;

        Assert.Equal("thingName", rule.PartitionKey);
        Assert.Equal("press-07", item["thingName"]!["S"]!.GetValue<string>());
        Assert.Equal("ERRORED", item["state"]!["S"]!.GetValue<string>());
        Assert.Equal("12", item["frames"]!["M"]!["processed"]!["N"]!.GetValue<string>());
        Assert.True(item["model"]!["M"]!["lastError"]!["NULL"]!.GetValue<bool>());
        Assert.True(item["ok"]!["BOOL"]!.GetValue<bool>());
        Assert.Equal("a", item["tags"]!["L"]![0]!["S"]!.GetValue<string>());
        Assert.Equal((1_764_000_005_000L).ToString(System.Globalization.CultureInfo.InvariantCulture), item["receivedAt"]!["N"]!.GetValue<string>());
        Assert.Equal((1_764_000_005L + 2_592_000).ToString(System.Globalization.CultureInfo.InvariantCulture), item["expiresAt"]!["N"]!.GetValue<string>());
        Assert.Null(rule.LatestItem([], "press-07"));
    }

    [Fact]
    public void Health_rule_of_the_edge_stack_stores_only_named_bounded_fields()
    {
        var rule = HealthTopicRule.Parse(EdgeMlOps.Cdk.EdgeDeployment.Fleet.DeviceHealthStore.RuleSql("edgemlops/+/inference/health", 2_592_000), "health");
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000);
        var error = new string('e', 520);
        PublishedMessage Health(string thing, string payload) =>
            new("com.example.App", $"edgemlops/{thing}/inference/health", "AT_LEAST_ONCE", Encoding.UTF8.GetBytes(payload)) { ReceivedAt = at };

        var items = rule.Items([
            Health("press-07", $$"""{"state":"ERRORED","model":{"componentVersion":"2.0.0","lastError":"{{error}}"},"frames":{"processed":0,"failed":0},"junk":"{{new string('j', 10_000)}}"}"""),
            Health("press-08", """{"state":"RUNNING","model":{"componentVersion":"1.0.0","lastError":null},"frames":{"processed":190,"failed":10}}"""),
            Health("press-09", """{"state":"RUNNING","model":{"componentVersion":"1.0.0","packageVersion":"1"},"frames":{"processed":10,"failed":0},"drift":{"score":0.42,"drifted":true}}"""),
        ]);

        var errored = items.Single(i => i["thingName"]!["S"]!.GetValue<string>() == "press-07");
        Assert.Equal(["thingName", "receivedAt", "expiresAt", "state", "modelComponentVersion", "framesSeen", "framesFailed", "lastError"], errored.Select(a => a.Key));
        Assert.Equal(new string('e', 256), errored["lastError"]!["S"]!.GetValue<string>());
        Assert.Equal("0", errored["framesSeen"]!["N"]!.GetValue<string>());
        var running = items.Single(i => i["thingName"]!["S"]!.GetValue<string>() == "press-08");
        Assert.Equal("50000", running["errorPpm"]!["N"]!.GetValue<string>());
        Assert.Equal("200", running["framesSeen"]!["N"]!.GetValue<string>());
        Assert.Null(running["lastError"]);
        Assert.Equal("1.0.0", running["modelComponentVersion"]!["S"]!.GetValue<string>());
        // The package version and drift score fleet status shows, when the message has them.
        var drifted = items.Single(i => i["thingName"]!["S"]!.GetValue<string>() == "press-09");
        Assert.Equal("1", drifted["modelPackageVersion"]!["S"]!.GetValue<string>());
        Assert.Equal("0.42", drifted["driftScore"]!["N"]!.GetValue<string>());
    }

    [Fact]
    public void Health_rule_of_the_edge_stack_keeps_the_acceptance_block_of_a_real_health_message()
    {
        var rule = HealthTopicRule.Parse(EdgeMlOps.Cdk.EdgeDeployment.Fleet.DeviceHealthStore.RuleSql("edgemlops/+/inference/health", 2_592_000), "health");
        var message = new EdgeMlOps.Contracts.HealthMessage
        {
            ThingName = "press-07",
            State = EdgeMlOps.Contracts.ComponentStates.ModelQualityFailed,
            Model = new EdgeMlOps.Contracts.HealthModel { ComponentVersion = "2.0.0" },
            Acceptance = new EdgeMlOps.Contracts.HealthAcceptance
            {
                Status = EdgeMlOps.Contracts.AcceptanceStatuses.Failed, Message = new string('m', 400), Images = 16, Precision = 0.5, Recall = 0.25, Map50 = 0.3,
                ExpectedMap50 = 0.9, Parity = 0.4, ParityThreshold = 0.9, MaxConfidenceDifference = 0.125, ModelMatches = true, DurationMs = 900,
            },
        };

        var item = Assert.Single(rule.Items([new PublishedMessage("com.example.App", "edgemlops/press-07/inference/health", "AT_LEAST_ONCE", message.ToJsonBytes()) { ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000) }]));

        Assert.Equal("failed", item["acceptanceStatus"]!["S"]!.GetValue<string>());
        Assert.Equal(new string('m', 256), item["acceptanceMessage"]!["S"]!.GetValue<string>());
        Assert.Equal(["16", "0.5", "0.25", "0.3", "0.9", "0.4", "0.9", "0.125"],
            new[] { "Images", "Precision", "Recall", "Map50", "ExpectedMap50", "Parity", "ParityThreshold", "MaxConfidenceDifference" }.Select(a => item[$"acceptance{a}"]!["N"]!.GetValue<string>()));
        // Only the named fields: the check's duration and model match stay on the device.
        Assert.DoesNotContain(item, a => a.Key.Contains("Duration", StringComparison.Ordinal) || a.Key.Contains("ModelMatches", StringComparison.Ordinal));
    }

    [Fact]
    public void Fails_if_the_health_rule_uses_sql_the_twin_does_not_evaluate()
    {
        var error = Assert.Throws<NotSupportedException>(() => HealthTopicRule.Parse("SELECT *, upper(state) AS s, topic(2) AS thingName FROM 'a/+/b'", "health"));

        Assert.Contains("upper(state)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Approval_rule_matches_an_approval_of_its_group_only_and_passes_the_package_arn()
    {
        var rule = new EventRuleTarget(JsonNode.Parse("""
            {
              "EventPattern": { "source": ["aws.sagemaker"], "detail-type": ["SageMaker Model Package State Change"], "detail": { "ModelPackageGroupName": ["tags"], "ModelApprovalStatus": ["Approved"] } },
              "Targets": [ { "InputTransformer": { "InputPathsMap": { "arn": "$.detail.ModelPackageArn" }, "InputTemplate": "{\"modelPackageArn\":<arn>,\"trigger\":\"model-package-approved\"}" } } ]
            }
            """)!.AsObject());
        var registry = new ModelRegistry();
        JsonObject Package(string group) => new()
        {
            ["ModelPackageGroupName"] = group,
            ["ModelPackageVersion"] = 1,
            ["ModelPackageArn"] = $"arn:aws:sagemaker:us-east-1:111111111111:model-package/{group}/1",
            ["ModelApprovalStatus"] = "Approved",
            ["CreationTime"] = "2026-12-01T10:00:00Z",
        };
        registry.Add(Package("tags"));
        registry.Add(Package("other"));
        var arn = registry.Approved("tags").Single()["ModelPackageArn"]!.GetValue<string>();

        var ours = registry.StateChangeEvent(arn, "111111111111", "us-east-1");
        var theirs = registry.StateChangeEvent(registry.Approved("other").Single()["ModelPackageArn"]!.GetValue<string>(), "111111111111", "us-east-1");

        Assert.True(rule.Matches(ours));
        Assert.False(rule.Matches(theirs));
        Assert.Equal($$"""{"modelPackageArn":"{{arn}}","trigger":"model-package-approved"}""", rule.Transform(ours).ToJsonString());
    }
}
