using System.Text.Json.Nodes;

namespace EdgeMlOps.QualityGates.Templates;

/// <summary>A synthesized CloudFormation template: its path, a short name for reports, and its parsed JSON.</summary>
public sealed class TemplateFile
{
    private readonly JsonObject _resources;

    public TemplateFile(string path, string name, JsonObject root)
    {
        Path = path;
        Name = name;
        _resources = root["Resources"] as JsonObject ?? [];
    }

    /// <summary>Absolute path on disk.</summary>
    public string Path { get; }

    /// <summary>Path relative to the cloud assembly, e.g. <c>assembly-Dev/DevLabeling.template.json</c>.</summary>
    public string Name { get; }

    public IEnumerable<TemplateResource> Resources =>
        _resources.Where(r => r.Value is JsonObject).Select(r => new TemplateResource(r.Key, (JsonObject)r.Value!));

    public TemplateResource? Find(string logicalId) =>
        _resources[logicalId] is JsonObject resource ? new TemplateResource(logicalId, resource) : null;

    public IEnumerable<TemplateResource> OfType(string type) => Resources.Where(r => r.Type == type);

    public static TemplateFile Load(string path, string name) =>
        new(path, name, JsonNode.Parse(File.ReadAllText(path)) as JsonObject
            ?? throw new InvalidDataException($"{name} is not a JSON object"));
}

public sealed record TemplateResource(string LogicalId, JsonObject Json)
{
    public string? Type => Json["Type"]?.GetValue<string>();

    public JsonObject Properties => Json["Properties"] as JsonObject ?? [];

    public JsonObject Metadata => Json["Metadata"] as JsonObject ?? [];
}
