using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeMlOps.Cdk.ModelTraining.Pipelines;
using EdgeMlOps.Lambdas.PrepareYoloDataset;

namespace EdgeMlOps.ModelTraining.Tests.Dataset;

/// <summary>The Lambda's JSON in and out match the pipeline's PrepareDataset step (Arguments and OutputParameters).</summary>
public sealed class PrepareStepContractTests
{
    private readonly JsonObject _step = JsonNode.Parse(TrainingPipelineDefinition.Create(TestSettings.PipelineInputs()).ToJsonString())!["Steps"]![0]!.AsObject();

    [Fact]
    public void Handler_reads_every_argument_the_step_sends()
    {
        // Arguments with each Get replaced by a value of the parameter's type, as SageMaker resolves them.
        var arguments = _step["Arguments"]!.AsObject();
        var resolved = new JsonObject();
        foreach (var (name, value) in arguments)
        {
            resolved[name] = value switch
            {
                JsonObject o when o["Get"]?.GetValue<string>() is { } path && path.StartsWith("Parameters.Split", StringComparison.Ordinal) => 7,
                JsonObject o when o["Get"]?.GetValue<string>() is { } path && path.EndsWith("Percent", StringComparison.Ordinal) => 20,
                JsonObject => "s3://artifacts/resolved",
                _ => value!.DeepClone(),
            };
        }

        var request = JsonSerializer.Deserialize<PrepareRequest>(resolved.ToJsonString(), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        Assert.Equal("s3://artifacts/resolved", request.LabelsCsvUri);
        Assert.Equal("s3://artifacts/resolved", request.OutputUri);
        Assert.Equal(["scratch"], request.ClassNames);
        Assert.Equal((7, 20, 20), (request.SplitSeed, request.ValidationPercent, request.TestPercent));
        var readable = typeof(PrepareRequest).GetProperties().Select(p => p.Name).ToHashSet();
        Assert.All(arguments.Select(a => a.Key), name => Assert.Contains(name, readable));
    }

    [Fact]
    public void Handler_returns_every_output_parameter_with_its_type()
    {
        var plan = DatasetPlanner.Plan(LabelsCsv.Rows(), _ => true, LabelsCsv.Options());
        var output = JsonNode.Parse(JsonSerializer.Serialize(PrepareResponse.From(plan, "s3://artifacts/datasets/x/")))!.AsObject();
        foreach (var parameter in _step["OutputParameters"]!.AsArray())
        {
            var name = parameter!["OutputName"]!.GetValue<string>();
            var value = output[name] ?? throw new Xunit.Sdk.XunitException($"the handler does not return {name}");
            var expectedKind = parameter["OutputType"]!.GetValue<string>() == "String" ? JsonValueKind.String : JsonValueKind.Number;
            Assert.Equal(expectedKind, value.GetValueKind());
        }
    }

    [Fact]
    public async Task Handler_fails_clearly_on_an_empty_event()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Handler.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes("null"))));
    }
}
