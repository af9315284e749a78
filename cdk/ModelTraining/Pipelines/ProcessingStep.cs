using System.Text.Json.Nodes;

namespace EdgeMlOps.Cdk.ModelTraining.Pipelines;

/// <summary>
/// A processing job step; the arguments is a CreateProcessingJob request without ProcessingJobName.
/// Its outputs are the S3 URIs of the named processing outputs and its property files.
/// </summary>
public sealed class ProcessingStep : PipelineStep
{
    private readonly JsonObject _arguments;
    private readonly List<PropertyFile> _propertyFiles = [];
    private readonly HashSet<string> _outputPaths = new(StringComparer.Ordinal) { "ProcessingJobName", "ProcessingJobArn" };
    private readonly HashSet<string> _outputNames = new(StringComparer.Ordinal);

    public ProcessingStep(string name, JsonObject arguments)
        : base(name, "Processing")
    {
        foreach (var required in new[] { "ProcessingResources", "AppSpecification", "RoleArn" })
        {
            if (arguments[required] is null)
            {
                throw new ArgumentException($"Processing step {name} needs Arguments.{required} (required by CreateProcessingJob)", nameof(arguments));
            }
        }

        _arguments = arguments;
        var outputs = arguments["ProcessingOutputConfig"]?["Outputs"]?.AsArray() ?? [];
        foreach (var output in outputs)
        {
            var outputName = output?["OutputName"]?.GetValue<string>()
                ?? throw new ArgumentException($"Processing step {name}: every output needs an OutputName", nameof(arguments));
            _outputNames.Add(outputName);
            _outputPaths.Add(OutputUriPath(outputName));
        }
    }

    public override IReadOnlySet<string> OutputPaths => _outputPaths;

    public IReadOnlyList<PropertyFile> PropertyFiles => _propertyFiles;

    /// <summary>S3 URI a named processing output is uploaded to.</summary>
    public JsonNode OutputUri(string outputName) => Property(OutputUriPath(outputName));

    /// <summary>Declares a JSON file written to output <paramref name="outputName"/> as a property file.</summary>
    public PropertyFile AddPropertyFile(string propertyFileName, string outputName, string filePath)
    {
        if (!_outputNames.Contains(outputName))
        {
            throw new ArgumentException($"Processing step {Name} has no output '{outputName}' for property file {propertyFileName}");
        }

        var file = new PropertyFile(Name, propertyFileName, outputName, filePath);
        _propertyFiles.Add(file);
        _outputPaths.Add($"PropertyFiles.{propertyFileName}");
        return file;
    }

    protected override JsonObject BuildArguments() => (JsonObject)_arguments.DeepClone();

    protected override void AddTypeSpecificMembers(JsonObject json)
    {
        if (_propertyFiles.Count > 0)
        {
            json["PropertyFiles"] = new JsonArray(_propertyFiles.Select(f => (JsonNode?)f.ToJson()).ToArray());
        }
    }

    private static string OutputUriPath(string outputName) => $"ProcessingOutputConfig.Outputs['{outputName}'].S3Output.S3Uri";
}
