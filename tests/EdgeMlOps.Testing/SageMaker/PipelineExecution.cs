using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeMlOps.Testing.SageMaker;

/// <summary>
/// What SageMaker substitutes into a pipeline definition when one execution runs: the execution id, parameter
/// values (defaults unless overridden), step properties the steps produce (a training job's model artifacts, a
/// Lambda step's output parameters) and property files (an evaluation report).
/// </summary>
public sealed record PipelineRunValues
{
    /// <summary>The execution id (<c>Execution.PipelineExecutionId</c>). Required.</summary>
    public required string ExecutionId { get; init; }

    /// <summary>The pipeline's name (<c>Execution.PipelineName</c>). Default: "pipeline".</summary>
    public string PipelineName { get; init; } = "pipeline";

    /// <summary>Parameter values by name. Default: none, every parameter takes its DefaultValue.</summary>
    public IReadOnlyDictionary<string, JsonNode> Parameters { get; init; } = new Dictionary<string, JsonNode>();

    /// <summary>Step properties by their full path, e.g. <c>Steps.Train.ModelArtifacts.S3ModelArtifacts</c>. Default: none.</summary>
    public IReadOnlyDictionary<string, JsonNode> StepProperties { get; init; } = new Dictionary<string, JsonNode>();

    /// <summary>Property file contents by reference, e.g. <c>Steps.Evaluate.PropertyFiles.EvaluationReport</c>. Default: none.</summary>
    public IReadOnlyDictionary<string, JsonNode> PropertyFiles { get; init; } = new Dictionary<string, JsonNode>();
}

/// <summary>
/// One simulated execution of a SageMaker pipeline definition (JSON, version 2020-12-01): resolves <c>Get</c>,
/// <c>Std:Join</c> and <c>Std:JsonGet</c> expressions with <see cref="PipelineRunValues"/> — a processing output's
/// S3Uri is the one configured on the step — and turns the RegisterModel step into the model package SageMaker
/// would describe. An expression it cannot resolve throws, so nothing passes unresolved.
/// </summary>
public sealed partial class PipelineExecution
{
    private readonly JsonNode _definition;
    private readonly PipelineRunValues _values;
    private readonly Dictionary<string, JsonObject> _steps;

    /// <summary>Reads the definition (the PipelineDefinitionBody text) for one execution.</summary>
    public PipelineExecution(string definitionJson, PipelineRunValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _definition = JsonNode.Parse(definitionJson) ?? throw new ArgumentException("The pipeline definition is not JSON.", nameof(definitionJson));
        _values = values;
        _steps = AllSteps(_definition["Steps"] as JsonArray ?? []).ToDictionary(s => s["Name"]!.GetValue<string>(), StringComparer.Ordinal);
    }

    /// <summary>The first step of a type (Condition branches included).</summary>
    public JsonObject StepOfType(string type) =>
        _steps.Values.FirstOrDefault(s => s["Type"]?.GetValue<string>() == type) ?? throw new InvalidOperationException($"The pipeline has no {type} step.");

    /// <summary>
    /// Whether the Condition step <paramref name="stepName"/> takes its IfSteps: every condition holds once its
    /// values are resolved (numbers compared as numbers, anything else by its text for Equals).
    /// </summary>
    public bool ConditionHolds(string stepName)
    {
        if (!_steps.TryGetValue(stepName, out var step) || step["Type"]?.GetValue<string>() != "Condition")
        {
            throw new InvalidOperationException($"The pipeline has no Condition step {stepName}.");
        }

        return (step["Arguments"]?["Conditions"] as JsonArray ?? []).All(c =>
        {
            var left = Resolve(c?["LeftValue"]);
            var right = Resolve(c?["RightValue"]);
            var type = c?["Type"]?.GetValue<string>();
            if (type == "Equals" && (left.GetValueKind() != JsonValueKind.Number || right.GetValueKind() != JsonValueKind.Number))
            {
                return Text(left) == Text(right);
            }

            var (l, r) = (Number(left), Number(right));
            return type switch
            {
                "Equals" => l == r,
                "GreaterThan" => l > r,
                "GreaterThanOrEqualTo" => l >= r,
                "LessThan" => l < r,
                "LessThanOrEqualTo" => l <= r,
                _ => throw new InvalidOperationException($"Condition type {type} is not simulated."),
            };
        });
    }

    /// <summary>Every expression inside <paramref name="node"/> replaced by its value.</summary>
    public JsonNode Resolve(JsonNode? node) => node switch
    {
        JsonObject o when o["Get"] is JsonValue get => Get(get.GetValue<string>()),
        JsonObject o when o["Std:Join"] is JsonObject join => string.Join(
            join["On"]?.GetValue<string>() ?? string.Empty,
            (join["Values"] as JsonArray ?? []).Select(v => Text(Resolve(v)))),
        JsonObject o when o["Std:JsonGet"] is JsonObject jsonGet => JsonGet(jsonGet),
        JsonObject o => new JsonObject(o.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)Resolve(m.Value)))),
        JsonArray a => new JsonArray([.. a.Select(v => (JsonNode?)Resolve(v))]),
        null => throw new InvalidOperationException("A pipeline expression resolved to null."),
        _ => node.DeepClone(),
    };

    /// <summary>
    /// The model package the RegisterModel step creates, as DescribeModelPackage returns it (PascalCase, as Step
    /// Functions hands it over), after a reviewer set <paramref name="approvalStatus"/>.
    /// </summary>
    public JsonObject RegisteredModelPackage(string modelPackageArn, int version, DateTimeOffset created, string approvalStatus = "Approved")
    {
        var request = Resolve(StepOfType("RegisterModel")["Arguments"]).AsObject();
        var package = new JsonObject
        {
            ["ModelPackageGroupName"] = request["ModelPackageGroupName"]?.DeepClone(),
            ["ModelPackageVersion"] = version,
            ["ModelPackageArn"] = modelPackageArn,
            ["ModelPackageDescription"] = request["ModelPackageDescription"]?.DeepClone(),
            ["CreationTime"] = created.ToString("O", CultureInfo.InvariantCulture),
            ["InferenceSpecification"] = request["InferenceSpecification"]?.DeepClone(),
            ["ModelPackageStatus"] = "Completed",
            ["ModelPackageStatusDetails"] = new JsonObject { ["ValidationStatuses"] = new JsonArray(), ["ImageScanStatuses"] = new JsonArray() },
            ["CertifyForMarketplace"] = false,
            ["ModelApprovalStatus"] = approvalStatus,
        };
        foreach (var optional in new[] { "ModelMetrics", "CustomerMetadataProperties", "Domain", "Task" })
        {
            if (request[optional] is { } value)
            {
                package[optional] = value.DeepClone();
            }
        }

        return package;
    }

    private JsonNode Get(string path)
    {
        if (path == "Execution.PipelineExecutionId")
        {
            return _values.ExecutionId;
        }

        if (path == "Execution.PipelineName")
        {
            return _values.PipelineName;
        }

        if (path.StartsWith("Parameters.", StringComparison.Ordinal))
        {
            var name = path["Parameters.".Length..];
            if (_values.Parameters.TryGetValue(name, out var value))
            {
                return value.DeepClone();
            }

            var parameter = (_definition["Parameters"] as JsonArray ?? []).FirstOrDefault(p => p?["Name"]?.GetValue<string>() == name)
                ?? throw new InvalidOperationException($"The pipeline has no parameter {name}.");
            return parameter["DefaultValue"]?.DeepClone() ?? throw new InvalidOperationException($"Parameter {name} has no DefaultValue and no value was given.");
        }

        if (_values.StepProperties.TryGetValue(path, out var property))
        {
            return property.DeepClone();
        }

        if (ProcessingOutput().Match(path) is { Success: true } output && _steps.TryGetValue(output.Groups["step"].Value, out var step))
        {
            var configured = (step["Arguments"]?["ProcessingOutputConfig"]?["Outputs"] as JsonArray ?? [])
                .FirstOrDefault(o => o?["OutputName"]?.GetValue<string>() == output.Groups["output"].Value)
                ?? throw new InvalidOperationException($"Step {output.Groups["step"].Value} has no processing output {output.Groups["output"].Value}.");
            return Resolve(configured["S3Output"]?["S3Uri"]);
        }

        throw new InvalidOperationException($"No value for the pipeline expression Get {path}: add it to PipelineRunValues.StepProperties.");
    }

    private JsonNode JsonGet(JsonObject jsonGet)
    {
        var file = jsonGet["PropertyFile"]?["Get"]?.GetValue<string>() ?? jsonGet["PropertyFile"]?.GetValue<string>()
            ?? throw new InvalidOperationException("Std:JsonGet without PropertyFile.");
        if (!_values.PropertyFiles.TryGetValue(file, out var content))
        {
            throw new InvalidOperationException($"No content for the property file {file}: add it to PipelineRunValues.PropertyFiles.");
        }

        var path = jsonGet["Path"]?.GetValue<string>() ?? throw new InvalidOperationException("Std:JsonGet without Path.");
        return path.Split('.').Aggregate((JsonNode?)content, (n, part) => n?[part])?.DeepClone()
            ?? throw new InvalidOperationException($"Property file {file} has nothing at {path}.");
    }

    private static IEnumerable<JsonObject> AllSteps(JsonArray steps)
    {
        foreach (var step in steps.OfType<JsonObject>())
        {
            yield return step;
            foreach (var branch in new[] { "IfSteps", "ElseSteps" })
            {
                foreach (var nested in AllSteps(step["Arguments"]?[branch] as JsonArray ?? []))
                {
                    yield return nested;
                }
            }
        }
    }

    private static double Number(JsonNode node) => node.GetValueKind() == JsonValueKind.Number
        ? node.GetValue<double>()
        : throw new InvalidOperationException($"A condition compares {node.ToJsonString()}, which is not a number.");

    private static string Text(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.String => node.GetValue<string>(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => node.ToJsonString(),
        var kind => throw new InvalidOperationException($"Std:Join of a {kind} value"),
    };

    [GeneratedRegex(@"^Steps\.(?<step>\w+)\.ProcessingOutputConfig\.Outputs\['(?<output>\w+)'\]\.S3Output\.S3Uri$")]
    private static partial Regex ProcessingOutput();
}
