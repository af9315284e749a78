using System.Text.Json.Nodes;

namespace EdgeMlOps.Testing.CloudFormation;

/// <summary>A synthesized CloudFormation template (JSON), read-only.</summary>
public sealed class CloudFormationTemplate
{
    private readonly JsonObject _resources;

    /// <summary>Wraps a parsed template, e.g. the JSON of <c>Amazon.CDK.Assertions.Template.ToJSON()</c>.</summary>
    /// <exception cref="TemplateResolutionException">The JSON is not an object with a <c>Resources</c> object.</exception>
    public CloudFormationTemplate(JsonNode template)
    {
        ArgumentNullException.ThrowIfNull(template);
        Root = template as JsonObject
            ?? throw new TemplateResolutionException("A CloudFormation template must be a JSON object.");
        _resources = Root["Resources"] as JsonObject
            ?? throw new TemplateResolutionException("The template has no 'Resources' object.");
    }

    /// <summary>Parses template JSON text.</summary>
    public static CloudFormationTemplate Parse(string json) =>
        new(JsonNode.Parse(json) ?? throw new TemplateResolutionException("The template JSON is 'null'."));

    /// <summary>Reads a template file, e.g. <c>cdk.out/TrainingStack.template.json</c>.</summary>
    public static CloudFormationTemplate Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>The whole template.</summary>
    public JsonObject Root { get; }

    /// <summary>Logical ids of every resource of a type, in template order.</summary>
    public IReadOnlyList<string> LogicalIdsOfType(string type) =>
        [.. _resources.Where(r => TypeOf(r.Value) == type).Select(r => r.Key)];

    /// <summary>True if the template declares a resource with this logical id.</summary>
    public bool HasResource(string logicalId) => _resources.ContainsKey(logicalId);

    /// <summary>The resource's <c>Type</c>.</summary>
    /// <exception cref="TemplateResolutionException">No resource has this logical id.</exception>
    public string ResourceType(string logicalId) => TypeOf(Resource(logicalId))
        ?? throw new TemplateResolutionException($"Resource '{logicalId}' has no Type.");

    /// <summary>The resource's <c>Properties</c> (an empty object if it has none).</summary>
    /// <exception cref="TemplateResolutionException">No resource has this logical id.</exception>
    public JsonObject Properties(string logicalId) => Resource(logicalId)["Properties"] as JsonObject ?? [];

    private JsonObject Resource(string logicalId) =>
        _resources[logicalId] as JsonObject
        ?? throw new TemplateResolutionException(
            $"The template has no resource '{logicalId}'. Resources: {string.Join(", ", _resources.Select(r => r.Key))}.");

    private static string? TypeOf(JsonNode? resource) => resource?["Type"]?.GetValue<string>();
}
