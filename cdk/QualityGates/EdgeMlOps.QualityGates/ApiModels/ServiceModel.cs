using System.Text.Json.Nodes;

namespace EdgeMlOps.QualityGates.ApiModels;

/// <summary>
/// One AWS API model of the JavaScript SDK v2 (<c>apis/&lt;prefix&gt;-&lt;version&gt;.min.json</c>): its operations
/// and shapes. In the minified form a member is either <c>{"shape": "S1"}</c>, an inline shape, or <c>{}</c>
/// (a string).
/// </summary>
public sealed class ServiceModel
{
    private readonly JsonObject _operations;
    private readonly JsonObject _shapes;
    private readonly JsonObject _metadata;

    public ServiceModel(string sdkName, string file, JsonObject model)
    {
        SdkName = sdkName;
        File = file;
        _operations = model["operations"] as JsonObject ?? [];
        _shapes = model["shapes"] as JsonObject ?? [];
        _metadata = model["metadata"] as JsonObject ?? [];
    }

    /// <summary>The SDK service id, the key of <c>metadata.json</c> (e.g. <c>greengrassv2</c>).</summary>
    public string SdkName { get; }

    public string File { get; }

    public IEnumerable<string> OperationNames => _operations.Select(o => o.Key);

    /// <summary>The name requests are signed with, which is the IAM prefix for most services.</summary>
    public string? SigningName => Text(_metadata["signingName"]) ?? Text(_metadata["endpointPrefix"]);

    /// <summary>The operation's input shape; an operation without input gets an empty structure.</summary>
    public ModelShape? Input(string operation) =>
        _operations[operation] is JsonObject op
            ? op["input"] is JsonObject input ? Resolve(input) : new ModelShape(this, new JsonObject { ["type"] = "structure", ["members"] = new JsonObject() })
            : null;

    internal ModelShape Resolve(JsonObject reference) =>
        new(this, Text(reference["shape"]) is { } name && _shapes[name] is JsonObject shape ? shape : reference);

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

/// <summary>A shape of a <see cref="ServiceModel"/>: structure, list, map or a scalar.</summary>
public sealed class ModelShape(ServiceModel model, JsonObject json)
{
    public string Type => json["type"] is JsonValue v && v.TryGetValue<string>(out var t) ? t : "string";

    public IReadOnlyDictionary<string, ModelShape> Members =>
        (json["members"] as JsonObject ?? []).Where(m => m.Value is JsonObject).ToDictionary(m => m.Key, m => model.Resolve((JsonObject)m.Value!), StringComparer.Ordinal);

    public IReadOnlyList<string> Required =>
        (json["required"] as JsonArray ?? []).OfType<JsonValue>().Select(v => v.GetValue<string>()).ToList();

    /// <summary>The element shape of a list.</summary>
    public ModelShape? Element => json["member"] is JsonObject member ? model.Resolve(member) : null;

    /// <summary>The value shape of a map.</summary>
    public ModelShape? Value => json["value"] is JsonObject value ? model.Resolve(value) : null;
}
