using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeMlOps.Edge.TestNucleus;

/// <summary>
/// Authorises IoT Core operations the way the Greengrass nucleus does, from a component's
/// <c>accessControl.aws.greengrass.ipc.mqttproxy</c> block (policy id → <c>{operations, resources}</c>): an operation is
/// allowed on a topic when some policy lists the operation (or <c>*</c>) and a resource matching the topic. In a
/// resource, <c>{iot:thingName}</c> is the device's thing name, <c>+</c> is one MQTT topic level, a trailing <c>#</c> is
/// any number of levels (including none), and <c>*</c> is any run of characters. (The nucleus's <c>${*}</c>-style escapes
/// for literal wildcard characters are not supported.) No block, or an empty one, allows nothing.
/// </summary>
public sealed class MqttProxyAccessControl
{
    /// <summary>The key of the IoT Core (MQTT proxy) IPC service under <c>accessControl</c>.</summary>
    public const string ServiceKey = "aws.greengrass.ipc.mqttproxy";

    private readonly IReadOnlyList<(IReadOnlySet<string> Operations, IReadOnlyList<Regex> Resources)> _policies;

    private MqttProxyAccessControl(IReadOnlyList<(IReadOnlySet<string>, IReadOnlyList<Regex>)> policies) => _policies = policies;

    /// <summary>Reads the policies from a component configuration holding <c>accessControl</c> (e.g. a recipe's DefaultConfiguration).</summary>
    public static MqttProxyAccessControl FromComponentConfiguration(JsonObject? configuration, string thingName) =>
        FromPolicies(configuration?["accessControl"]?[ServiceKey] as JsonObject, thingName);

    /// <summary>Reads the policies from the <c>aws.greengrass.ipc.mqttproxy</c> block itself.</summary>
    public static MqttProxyAccessControl FromPolicies(JsonObject? block, string thingName)
    {
        ArgumentNullException.ThrowIfNull(thingName);
        var policies = new List<(IReadOnlySet<string>, IReadOnlyList<Regex>)>();
        foreach (var (_, policy) in block ?? [])
        {
            var operations = Strings(policy?["operations"]).ToHashSet(StringComparer.Ordinal);
            var resources = Strings(policy?["resources"])
                .Select(r => ResourcePattern(r.Replace("{iot:thingName}", thingName, StringComparison.Ordinal)))
                .ToList();
            policies.Add((operations, resources));
        }

        return new MqttProxyAccessControl(policies);
    }

    /// <summary>Whether <paramref name="operation"/> (e.g. <c>aws.greengrass#PublishToIoTCore</c>) is allowed on <paramref name="topic"/>.</summary>
    public bool Allows(string operation, string topic) =>
        _policies.Any(p => (p.Operations.Contains(operation) || p.Operations.Contains("*")) && p.Resources.Any(r => r.IsMatch(topic)));

    private static IEnumerable<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => n?.GetValue<string>()).OfType<string>() : [];

    /// <summary>A resource as a whole-topic pattern: MQTT wildcards by level, <c>*</c> as any characters.</summary>
    private static Regex ResourcePattern(string resource)
    {
        var levels = resource.Split('/');
        var pattern = new StringBuilder("^");
        for (var i = 0; i < levels.Length; i++)
        {
            if (levels[i] == "#" && i == levels.Length - 1)
            {
                // "a/#" matches "a" and everything below it; a lone "#" matches every topic.
                pattern.Append(i == 0 ? ".*" : "(?:/.*)?");
                break;
            }

            if (i > 0)
            {
                pattern.Append('/');
            }

            pattern.Append(levels[i] == "+" ? "[^/]*" : string.Join(".*", levels[i].Split('*').Select(Regex.Escape)));
        }

        return new Regex(pattern.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
