using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeMlOps.Cdk.ModelTraining.Pipelines;

/// <summary>Types a SageMaker pipeline parameter may have.</summary>
public enum PipelineParameterType
{
    String,
    Integer,
    Float,
    Boolean,
}

/// <summary>
/// One pipeline parameter with its default. Every parameter has a default so an execution started from the
/// console (or by a workflow that overrides only some of them) runs with the configured values.
/// </summary>
public sealed partial record PipelineParameter
{
    private PipelineParameter(string name, PipelineParameterType type, JsonNode defaultValue)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException($"Pipeline parameter name must match {NamePattern()}, got '{name}'", nameof(name));
        }

        Name = name;
        Type = type;
        DefaultValue = defaultValue;
    }

    public string Name { get; }

    public PipelineParameterType Type { get; }

    public JsonNode DefaultValue { get; }

    public static PipelineParameter String(string name, string defaultValue) => new(name, PipelineParameterType.String, JsonValue.Create(defaultValue));

    public static PipelineParameter Integer(string name, int defaultValue) => new(name, PipelineParameterType.Integer, JsonValue.Create(defaultValue));

    public static PipelineParameter Float(string name, double defaultValue) => new(name, PipelineParameterType.Float, JsonValue.Create(defaultValue));

    public static PipelineParameter Boolean(string name, bool defaultValue) => new(name, PipelineParameterType.Boolean, JsonValue.Create(defaultValue));

    /// <summary>The value at execution time: <c>{"Get": "Parameters.Name"}</c>.</summary>
    public JsonNode Value => PipelineExpression.Get($"Parameters.{Name}");

    /// <summary>The value as a string; numbers and booleans must be strings in hyperparameters and container arguments.</summary>
    public JsonNode AsString => Type == PipelineParameterType.String ? Value : PipelineExpression.Join(string.Empty, Value);

    public JsonObject ToJson() => new()
    {
        ["Name"] = Name,
        ["Type"] = Type.ToString(),
        ["DefaultValue"] = DefaultValue.DeepClone(),
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}:{Type}={DefaultValue.ToJsonString()}");

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex NamePattern();
}
