using System.Text.Json.Nodes;

namespace EdgeMlOps.Cdk.ModelTraining.Pipelines;

/// <summary>
/// The functions of the SageMaker pipeline definition language used here: property references
/// (<c>Get</c>), string joins (<c>Std:Join</c>) and reads from property files (<c>Std:JsonGet</c>).
/// </summary>
public static class PipelineExpression
{
    /// <summary>The pipeline execution id, unique per execution: used for per-execution S3 paths.</summary>
    public static JsonNode ExecutionId => Get("Execution.PipelineExecutionId");

    /// <summary>Execution-time variables SageMaker provides to every pipeline.</summary>
    public static IReadOnlySet<string> ExecutionVariables { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Execution.PipelineExecutionId",
        "Execution.PipelineExecutionArn",
        "Execution.StartDateTime",
        "Execution.CurrentDateTime",
        "Execution.PipelineArn",
        "Execution.PipelineName",
    };

    public static JsonNode Get(string path) => new JsonObject { ["Get"] = path };

    public static JsonNode Join(string separator, params JsonNode[] values) => new JsonObject
    {
        ["Std:Join"] = new JsonObject
        {
            ["On"] = separator,
            ["Values"] = new JsonArray(values.Select(v => (JsonNode?)v.DeepClone()).ToArray()),
        },
    };

    /// <summary>Joins literal strings and expressions: strings become JSON strings, nodes are cloned.</summary>
    public static JsonNode Concat(params object[] parts) => Join(string.Empty, parts.Select(p => p switch
    {
        JsonNode node => node,
        string text => (JsonNode)JsonValue.Create(text),
        _ => throw new ArgumentException($"Concat takes strings and JSON nodes, got {p.GetType().Name}"),
    }).ToArray());

    /// <summary>A value read from a step's property file, e.g. the mAP in the evaluation report.</summary>
    public static JsonNode JsonGet(PropertyFile file, string jsonPath) => new JsonObject
    {
        ["Std:JsonGet"] = new JsonObject
        {
            ["PropertyFile"] = Get($"Steps.{file.StepName}.PropertyFiles.{file.Name}"),
            ["Path"] = jsonPath,
        },
    };
}
