using System.Text.Json.Nodes;
using EdgeMlOps.Testing.SageMaker;
using EdgeMlOps.Testing.StateMachines;

namespace EdgeMlOps.LocalTwin.Drift;

/// <summary>
/// SageMaker for the training workflow's pipeline calls, from the synthesized pipeline definition: StartPipelineExecution
/// is accepted only for that pipeline and only with parameters it declares (recorded with their values), the
/// execution then reports Succeeded, its steps name the definition's RegisterModel step, and DescribeModelPackage
/// returns the package that step registers when resolved with the started parameters (so its metadata carries them).
/// No training runs: the twin shows what starts the pipeline and with what.
/// </summary>
/// <param name="labelingJobs">What the PrepareDataset step would name as the labeling jobs behind the dataset (the twin's labeling run).</param>
public sealed class PipelineStandIn(string pipelineName, string definitionJson, string modelPackageArn, string labelingJobs)
{
    private readonly object _lock = new();
    private readonly List<(string PipelineName, IReadOnlyDictionary<string, string> Parameters, string Description)> _starts = [];
    private readonly HashSet<string> _declared = [.. (JsonNode.Parse(definitionJson)?["Parameters"] as JsonArray ?? []).Select(p => p!["Name"]!.GetValue<string>())];

    public IReadOnlyList<(string PipelineName, IReadOnlyDictionary<string, string> Parameters, string Description)> Starts
    {
        get
        {
            lock (_lock)
            {
                return [.. _starts];
            }
        }
    }

    /// <summary>The package DescribeModelPackage returned, or null.</summary>
    public JsonObject? Registered { get; private set; }

    public JsonNode Start(JsonObject request)
    {
        var name = request["PipelineName"]?.GetValue<string>();
        if (name != pipelineName)
        {
            throw new TaskFailure("SageMaker.ResourceNotFoundException", $"Pipeline {name} does not exist (the stack defines {pipelineName})");
        }

        var parameters = (request["PipelineParameters"] as JsonArray ?? []).ToDictionary(p => p!["Name"]!.GetValue<string>(), p => p!["Value"]!.GetValue<string>(), StringComparer.Ordinal);
        if (parameters.Keys.FirstOrDefault(k => !_declared.Contains(k)) is { } unknown)
        {
            throw new TaskFailure("SageMaker.ValidationException", $"Pipeline parameter {unknown} is not defined by {pipelineName}");
        }

        lock (_lock)
        {
            _starts.Add((name, parameters, request["PipelineExecutionDescription"]?.GetValue<string>() ?? string.Empty));
            return new JsonObject { ["PipelineExecutionArn"] = ExecutionArn(_starts.Count) };
        }
    }

    public JsonNode Describe(JsonObject request) =>
        new JsonObject { ["PipelineExecutionArn"] = Known(request), ["PipelineExecutionStatus"] = "Succeeded" };

    public JsonNode Steps(JsonObject request)
    {
        Known(request);
        var register = Execution().StepOfType("RegisterModel")["Name"]!.GetValue<string>();
        return new JsonObject
        {
            ["PipelineExecutionSteps"] = new JsonArray(new JsonObject
            {
                ["StepName"] = register,
                ["StepStatus"] = "Succeeded",
                ["Metadata"] = new JsonObject { ["RegisterModel"] = new JsonObject { ["Arn"] = modelPackageArn } },
            }),
        };
    }

    public JsonNode DescribePackage(JsonObject request)
    {
        if (request["ModelPackageName"]?.GetValue<string>() != modelPackageArn)
        {
            throw new TaskFailure("SageMaker.ValidationException", $"Model package {request["ModelPackageName"]} does not exist");
        }

        var version = int.Parse(modelPackageArn[(modelPackageArn.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        Registered = Execution().RegisteredModelPackage(modelPackageArn, version, DateTimeOffset.UtcNow, "PendingManualApproval");
        return Registered.DeepClone();
    }

    private string Known(JsonObject request)
    {
        var arn = request["PipelineExecutionArn"]?.GetValue<string>();
        lock (_lock)
        {
            return Enumerable.Range(1, _starts.Count).Select(ExecutionArn).Contains(arn)
                ? arn!
                : throw new TaskFailure("SageMaker.ResourceNotFoundException", $"Pipeline execution {arn} does not exist");
        }
    }

    private string ExecutionArn(int n) => $"arn:aws:sagemaker:us-east-1:111111111111:pipeline/{pipelineName}/execution/twin-drift-{n}";

    /// <summary>The last started execution, resolved with its parameters and the step outputs a training run would produce.</summary>
    private PipelineExecution Execution()
    {
        var (_, parameters, _) = Starts[^1];
        var id = $"twin-drift-{Starts.Count}";
        return new PipelineExecution(definitionJson, new PipelineRunValues
        {
            ExecutionId = id,
            PipelineName = pipelineName,
            Parameters = parameters.ToDictionary(p => p.Key, p => (JsonNode)JsonValue.Create(p.Value)!, StringComparer.Ordinal),
            StepProperties = new Dictionary<string, JsonNode>(StringComparer.Ordinal)
            {
                ["Steps.Train.ModelArtifacts.S3ModelArtifacts"] = $"s3://artifacts/training/{id}/output/model.tar.gz",
                ["Steps.PrepareDataset.OutputParameters['DatasetUri']"] = $"s3://artifacts/datasets/{id}",
                ["Steps.PrepareDataset.OutputParameters['SnapshotId']"] = $"snapshot-{id}",
                ["Steps.PrepareDataset.OutputParameters['LabelingJobs']"] = labelingJobs,
                ["Steps.PrepareDataset.OutputParameters['LabelCount']"] = 188,
                ["Steps.PrepareDataset.OutputParameters['ImageCount']"] = 200,
            },
            PropertyFiles = new Dictionary<string, JsonNode>(StringComparer.Ordinal)
            {
                ["Steps.Evaluate.PropertyFiles.EvaluationReport"] = JsonNode.Parse("""{"metrics":{"map50":0.71,"map50_95":0.42,"precision":0.8,"recall":0.66}}""")!,
            },
        });
    }
}
