using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeMlOps.QualityGates.ApiModels;

/// <summary>
/// The AWS API models shipped in npm <c>aws-sdk</c> v2: <c>apis/metadata.json</c> maps each SDK service id
/// (e.g. <c>sagemakerfeaturestoreruntime</c>) to a model file prefix (<c>sagemaker-featurestore-runtime</c>;
/// the id itself when absent); the newest <c>&lt;prefix&gt;-&lt;yyyy-mm-dd&gt;.min.json</c> is used.
/// Models are loaded on first use.
/// </summary>
public sealed partial class ApiModelCatalog
{
    private readonly string _apisFolder;
    private readonly Dictionary<string, string> _prefixes;
    private readonly ConcurrentDictionary<string, ServiceModel?> _models = new(StringComparer.Ordinal);

    public ApiModelCatalog(string apisFolder)
    {
        _apisFolder = apisFolder;
        var metadataFile = Path.Combine(apisFolder, "metadata.json");
        if (!File.Exists(metadataFile))
        {
            throw new FileNotFoundException($"AWS API models not found: {metadataFile} (npm aws-sdk v2 must be installed)");
        }

        var metadata = JsonNode.Parse(File.ReadAllText(metadataFile)) as JsonObject ?? [];
        _prefixes = metadata.ToDictionary(
            s => s.Key,
            s => s.Value?["prefix"] is JsonValue p && p.TryGetValue<string>(out var prefix) ? prefix : s.Key,
            StringComparer.Ordinal);
    }

    public IEnumerable<string> SdkServiceIds => _prefixes.Keys;

    /// <summary>The model of an SDK service id (a key of metadata.json), or null if there is none.</summary>
    public ServiceModel? Find(string sdkServiceId) => _models.GetOrAdd(sdkServiceId, Load);

    private ServiceModel? Load(string sdkServiceId)
    {
        if (!_prefixes.TryGetValue(sdkServiceId, out var prefix))
        {
            return null;
        }

        var newest = Directory.EnumerateFiles(_apisFolder, prefix + "-*.min.json")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => VersionedModel().Match(name) is { Success: true } m && m.Groups["prefix"].Value == prefix)
            .Order(StringComparer.Ordinal)
            .LastOrDefault();
        return newest is null
            ? null
            : new ServiceModel(sdkServiceId, newest, JsonNode.Parse(File.ReadAllText(Path.Combine(_apisFolder, newest))) as JsonObject ?? []);
    }

    [GeneratedRegex(@"^(?<prefix>.+)-(?<version>\d{4}-\d{2}-\d{2})\.min\.json$")]
    private static partial Regex VersionedModel();
}
