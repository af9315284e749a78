using System.Text.Json.Nodes;
using EdgeMlOps.EdgeDeployment.ReviseDeployment;
using Xunit;

namespace EdgeDeployment.Tests.Lambdas;

public sealed class DeploymentReviserTests
{
    private static readonly ComponentUpdate[] s_release =
    [
        new("com.edgemlops.Model", "4.0.0"),
        new("com.edgemlops.Inference", "1.0.42"),
    ];

    private static JsonObject Current() => JsonNode.Parse("""
        {
          "aws.greengrass.Nucleus": {"ComponentVersion": "2.14.3", "ConfigurationUpdate": {"Merge": "{\"logging\":{\"level\":\"INFO\"}}"}},
          "com.example.Camera": {"ComponentVersion": "1.2.0", "RunWith": {"PosixUser": "camera:video"}},
          "com.edgemlops.Model": {"ComponentVersion": "3.0.0"},
          "com.edgemlops.Inference": {"ComponentVersion": "1.0.7", "ConfigurationUpdate": {"Merge": "{\"confidenceThreshold\":0.4}"}}
        }
        """)!.AsObject();

    [Fact]
    public void Keeps_every_component_already_deployed_verbatim()
    {
        var revision = DeploymentReviser.Revise(Current(), s_release);

        Assert.True(JsonNode.DeepEquals(Current()["aws.greengrass.Nucleus"], revision.Components["aws.greengrass.Nucleus"]));
        Assert.True(JsonNode.DeepEquals(Current()["com.example.Camera"], revision.Components["com.example.Camera"]));
        Assert.Equal(["aws.greengrass.Nucleus", "com.example.Camera"], revision.KeptComponents);
    }

    [Fact]
    public void Sets_the_new_versions_and_keeps_the_operators_configuration_of_updated_components()
    {
        var revision = DeploymentReviser.Revise(Current(), s_release);

        Assert.Equal("4.0.0", revision.Components["com.edgemlops.Model"]!["ComponentVersion"]!.GetValue<string>());
        Assert.Equal("1.0.42", revision.Components["com.edgemlops.Inference"]!["ComponentVersion"]!.GetValue<string>());
        Assert.Equal("{\"confidenceThreshold\":0.4}", revision.Components["com.edgemlops.Inference"]!["ConfigurationUpdate"]!["Merge"]!.GetValue<string>());
        Assert.Equal(4, revision.Components.Count);
    }

    [Fact]
    public void Release_configuration_is_merged_over_the_operators_merge()
    {
        var capture = JsonNode.Parse("""{"capture": {"bucket": "labeling-data", "prefix": "images/captured/"}}""")!.AsObject();

        var revision = DeploymentReviser.Revise(Current(), [new("com.edgemlops.Inference", "1.0.42", capture)]);

        var merge = JsonNode.Parse(revision.Components["com.edgemlops.Inference"]!["ConfigurationUpdate"]!["Merge"]!.GetValue<string>())!;
        Assert.Equal(0.4, merge["confidenceThreshold"]!.GetValue<double>());
        Assert.Equal("labeling-data", merge["capture"]!["bucket"]!.GetValue<string>());
        Assert.Equal("images/captured/", merge["capture"]!["prefix"]!.GetValue<string>());
    }

    [Fact]
    public void Release_configuration_of_a_new_component_becomes_its_merge()
    {
        var capture = JsonNode.Parse("""{"capture": {"bucket": "labeling-data"}}""")!.AsObject();

        var revision = DeploymentReviser.Revise([], [new("com.edgemlops.Inference", "1.0.42", capture)]);

        Assert.Equal("""{"capture":{"bucket":"labeling-data"}}""", revision.Components["com.edgemlops.Inference"]!["ConfigurationUpdate"]!["Merge"]!.GetValue<string>());
    }

    [Fact]
    public void Rollback_list_is_the_current_deployment_unchanged()
    {
        var revision = DeploymentReviser.Revise(Current(), s_release);

        Assert.True(JsonNode.DeepEquals(Current(), revision.RollbackComponents));
    }

    [Fact]
    public void A_target_without_deployment_gets_only_the_release_and_rolls_back_to_nothing()
    {
        var revision = DeploymentReviser.Revise([], s_release);

        Assert.Equal(2, revision.Components.Count);
        Assert.Equal("""{"ComponentVersion":"4.0.0"}""", revision.Components["com.edgemlops.Model"]!.ToJsonString());
        Assert.Empty(revision.RollbackComponents);
        Assert.Empty(revision.KeptComponents);
    }

    [Fact]
    public void Does_not_change_the_input()
    {
        var current = Current();
        _ = DeploymentReviser.Revise(current, s_release);

        Assert.True(JsonNode.DeepEquals(Current(), current));
    }

    [Fact]
    public void Fails_when_a_component_is_updated_twice()
    {
        var error = Assert.Throws<ArgumentException>(() => DeploymentReviser.Revise(Current(), [new("com.edgemlops.Model", "4.0.0"), new("com.edgemlops.Model", "5.0.0")]));

        Assert.Contains("com.edgemlops.Model is updated 2 times", error.Message);
    }

    [Fact]
    public void Fails_on_a_version_greengrass_would_refuse_and_names_every_problem()
    {
        var error = Assert.Throws<ArgumentException>(() => DeploymentReviser.Revise(Current(), [new("com.edgemlops.Model", "latest"), new("bad name!", "1.0.0")]));

        Assert.Contains("version 'latest' is not major.minor.patch", error.Message);
        Assert.Contains("'bad name!' is not a Greengrass component name", error.Message);
    }

    [Fact]
    public void Handler_reads_the_step_functions_payload()
    {
        var input = new JsonObject { ["currentComponents"] = Current(), ["updates"] = new JsonArray(new JsonObject { ["componentName"] = "com.edgemlops.Model", ["componentVersion"] = "4.0.0" }) };
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(input.ToJsonString()));

        var output = JsonNode.Parse(Function.Handle(stream))!;

        Assert.Equal("4.0.0", output["components"]!["com.edgemlops.Model"]!["ComponentVersion"]!.GetValue<string>());
        Assert.Equal("3.0.0", output["rollbackComponents"]!["com.edgemlops.Model"]!["ComponentVersion"]!.GetValue<string>());
        Assert.Equal(3, output["keptComponents"]!.AsArray().Count);
    }
}
