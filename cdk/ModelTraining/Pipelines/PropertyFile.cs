using System.Text.Json.Nodes;

namespace EdgeMlOps.Cdk.ModelTraining.Pipelines;

/// <summary>A JSON file a processing step writes to one of its outputs, readable by later steps with Std:JsonGet.</summary>
public sealed record PropertyFile(string StepName, string Name, string OutputName, string FilePath)
{
    public JsonObject ToJson() => new()
    {
        ["PropertyFileName"] = Name,
        ["OutputName"] = OutputName,
        ["FilePath"] = FilePath,
    };
}
